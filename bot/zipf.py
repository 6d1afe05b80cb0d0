"""English word frequencies on wordfreq's Zipf scale, mostly without importing wordfreq.

Importing wordfreq (ftfy, langcodes, its regexes) and loading its word list cost more than a whole
cold answer may. A build therefore stores the Zipf value of every corpus word in the index
(``zipf.json``); loading the index registers that table, and ``zipf_frequency`` answers from it.
A word the table lacks (a typo, a word the corpus never uses) falls back to wordfreq itself, so
every value is exactly wordfreq's: the table is a cache of a pure function, shared by all indexes
of a process, and is ignored when it came from another wordfreq version.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from pathlib import Path

_table: dict[str, float] = {}
_pending: list[Path] = []
_lock = threading.Lock()


def wordfreq_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("wordfreq")
    except PackageNotFoundError:  # pragma: no cover - a dependency of the bot
        return ""


def make_table(words: Iterable[str], known: dict[str, float] | None = None) -> dict[str, object]:
    """The file a build writes: each word's Zipf value (0 for the drug names English does not know).

    ``known``: values already looked up (the replaced index's table, see ``read_table``)."""
    known = known or {}
    values: dict[str, float] = {}
    missing: list[str] = []
    for w in words:
        if w in known:
            values[w] = known[w]
        else:
            values[w] = 0.0
            missing.append(w)
    if missing:  # wordfreq is imported only when a word needs it
        from wordfreq import zipf_frequency as zf

        for w in missing:
            values[w] = zf(w, "en")
    return {"wordfreq": wordfreq_version(), "lang": "en", "zipf": values}


def read_table(path: Path) -> dict[str, float]:
    """The values of the table at ``path`` when it is wordfreq's current English ones, else {} (a missing
    or damaged file too)."""
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if table.get("wordfreq") != wordfreq_version() or table.get("lang") != "en":
        return {}
    return dict(table.get("zipf", {}))


def add_table(path: Path) -> None:
    """Use the table at ``path`` (read on the first look-up)."""
    with _lock:
        _pending.append(path)


def _load_pending() -> None:
    with _lock:
        while _pending:
            # A missing, damaged or other-version table only costs speed.
            _table.update(read_table(_pending.pop()))


def prime() -> None:
    """Load now what the first word the tables lack would load: wordfreq and its English list (a server
    does this at start, so that no visitor's question waits ~0.3 s for it)."""
    _load_pending()
    from wordfreq import zipf_frequency as zf

    zf("the", "en")


def zipf_frequency(word: str, lang: str = "en") -> float:
    """``wordfreq.zipf_frequency(word, lang)``, from the precomputed tables when they hold it."""
    if lang == "en":
        if _pending:
            _load_pending()
        value = _table.get(word)
        if value is not None:
            return value
    from wordfreq import zipf_frequency as zf

    value = float(zf(word, lang))
    if lang == "en":
        _table[word] = value
    return value
