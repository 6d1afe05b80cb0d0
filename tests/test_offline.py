"""The offline environment: set by every entry point, never overwriting what the user set."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.offline import DEFAULTS, configure


def test_defaults_fill_in_and_never_overwrite(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in DEFAULTS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")  # the user's choice stands
    configure()
    assert os.environ["HF_HUB_OFFLINE"] == "0"
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
    assert os.environ["TRANSFORMERS_OFFLINE"] == "1"


def test_the_cli_sets_it_before_anything_else_is_imported() -> None:
    env = {k: v for k, v in os.environ.items() if k not in DEFAULTS}
    code = "import bot.cli, os; print(os.environ.get('HF_HUB_OFFLINE'), os.environ.get('GRADIO_ANALYTICS_ENABLED'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout.split() == ["1", "False"]
