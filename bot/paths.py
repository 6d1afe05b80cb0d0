"""Where the package's own data files are.

Read as plain files: ``importlib.resources`` (and the tempfile, random and zipfile modules it brings)
cost ~3 ms of a ~0.4 s cold ``bot ask``; the package is always installed as files.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
