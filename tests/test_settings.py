"""bot.settings.resolve_paths: one rule for BOT_CORPUS / BOT_INDEX, used by the CLI and by bot.load."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.settings import PROJECT_ROOT, Settings, resolve_paths

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("BOT_CORPUS", str(tmp_path / "env-corpus"))
    monkeypatch.setenv("BOT_INDEX", str(tmp_path / "env-index"))
    assert resolve_paths(Settings(), "c", "i") == (Path("c"), Path("i"))
    assert resolve_paths(Settings()) == (tmp_path / "env-corpus", tmp_path / "env-index")


def test_defaults_are_the_current_directory_or_the_projects_own(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv("BOT_CORPUS", raising=False)
    monkeypatch.delenv("BOT_INDEX", raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_paths(Settings()) == (PROJECT_ROOT / "corpus", PROJECT_ROOT / "index")
    monkeypatch.setenv("BOT_INDEX", "my-index")  # the user's index, beside them, even for the bundled corpus
    assert resolve_paths(Settings()) == (PROJECT_ROOT / "corpus", Path("my-index"))
    monkeypatch.delenv("BOT_INDEX")
    (tmp_path / "corpus").mkdir()
    assert resolve_paths(Settings()) == (Path("corpus"), Path("index"))


def test_cli_index_and_bot_load_agree_on_bot_index(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_embedder: Any
):
    """`BOT_INDEX=x bot index` builds x, and `bot.load()` (as `bot ask` calls it) then reads x."""
    import bot
    import bot.embedding
    from bot.cli import main

    work = tmp_path / "work"
    shutil.copytree(FIXTURES / "corpus", work / "corpus")
    monkeypatch.chdir(work)
    monkeypatch.setenv("BOT_INDEX", str(tmp_path / "elsewhere" / "idx"))
    monkeypatch.delenv("BOT_CORPUS", raising=False)
    monkeypatch.setattr(bot.embedding, "make_embedder", lambda settings: fake_embedder)
    assert main(["index", "--json"]) == 0
    assert (tmp_path / "elsewhere" / "idx" / "manifest.json").is_file()
    assert not (work / "index").exists()

    engine = bot.load(embedder=fake_embedder, rebuild=False)  # a stale or missing index would raise
    assert engine.settings.index == tmp_path / "elsewhere" / "idx"
    assert engine.settings.corpus == Path("corpus") and engine.build_report is None


def test_the_environment_fills_what_arguments_leave_unset(monkeypatch: pytest.MonkeyPatch):
    # pydantic-settings' rules, kept without it: names case-insensitive, text coerced and validated,
    # an argument wins, and a field from the environment counts as set.
    monkeypatch.setenv("BOT_SEARCH_K", "5")
    monkeypatch.setenv("bot_fusion", "rrf")
    monkeypatch.setenv("BOT_INDEX_MMAP", "false")
    monkeypatch.setenv("BOT_PARAMS", "")
    monkeypatch.setenv("BOT_NOT_A_SETTING", "x")
    s = Settings(search_k=3)
    assert (s.search_k, s.fusion, s.index_mmap, s.params) == (3, "rrf", False, None)
    assert s.model_fields_set == {"search_k", "fusion", "index_mmap", "params"}
    monkeypatch.setenv("BOT_SEARCH_K", "many")
    with pytest.raises(ValueError, match="search_k"):
        Settings()
