"""Thumbs up/down are saved locally as JSON lines: question, answer, cited chunk ids, verdict, time."""

from __future__ import annotations

import json
import socket
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.feedback import FILE_NAME, FeedbackStore, verdict_of
from bot.settings import Settings


def handler(demo: Any, name: str) -> Any:
    """The Python function behind one of the app's events."""
    fns = {f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == name}
    assert len(fns) == 1, name
    return fns.pop()


def like(demo: Any, conv: Any, index: int, liked: bool | str) -> None:
    import gradio as gr

    handler(demo, "on_like")(conv, gr.LikeData(None, {"index": index, "value": "…", "liked": liked}))


def test_record_has_question_answer_chunks_verdict_and_time(engine: Any, tmp_path: Path):
    answer = engine.ask("What is alphamab?")
    store = FeedbackStore(tmp_path / "not" / "yet" / "there")
    store.record("What is alphamab?", answer, "up")
    lines = (tmp_path / "not" / "yet" / "there" / FILE_NAME).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    row = json.loads(lines[0])
    assert row["question"] == "What is alphamab?"
    assert row["answer"] == answer.answer
    assert row["chunk_ids"] == [c.chunk_id for c in answer.citations] and row["chunk_ids"][0].startswith("drugs#")
    assert row["verdict"] == "up"
    assert abs((datetime.fromisoformat(row["time"]) - datetime.now().astimezone()).total_seconds()) < 60
    store.record("Why?", engine.ask("Why is the sky blue?"), "down")
    assert [r["verdict"] for r in store.read()] == ["up", "down"]
    assert store.read()[1]["abstained"] is True and store.read()[1]["chunk_ids"] == []


def test_like_in_the_app_writes_to_the_configured_folder(engine: Any, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch):
    from bot.app import build_app

    folder = tmp_path / "elsewhere"
    monkeypatch.setenv("BOT_FEEDBACK_DIR", str(folder))
    settings = Settings()
    assert settings.feedback_dir == folder
    demo = build_app(engine, settings=settings)
    _, history, conv = handler(demo, "respond")("What is betacel?", None)
    _, history, conv = handler(demo, "respond")("What are its side effects?", conv)
    like(demo, conv, 3, False)  # the second answer, disliked
    like(demo, conv, 1, True)
    like(demo, conv, 0, True)  # a user message: not an answer, nothing recorded
    rows = FeedbackStore(folder).read()
    assert [r["verdict"] for r in rows] == ["down", "up"]
    assert rows[0]["question"] == "What are its side effects?" and "Betacel may cause" in rows[0]["answer"]
    assert rows[0]["chunk_ids"] and rows[1]["question"] == "What is betacel?"


def test_feedback_dir_argument_overrides_settings(engine: Any, tmp_path: Path):
    from bot.app import build_app

    demo = build_app(engine, settings=Settings(feedback_dir=tmp_path / "a"), feedback_dir=tmp_path / "b")
    _, _, conv = handler(demo, "respond")("What is alphamab?", None)
    like(demo, conv, 1, "Like")
    assert not (tmp_path / "a").exists()
    assert FeedbackStore(tmp_path / "b").read()[0]["verdict"] == "up"


def test_concurrent_records_never_interleave(engine: Any, tmp_path: Path):
    store = FeedbackStore(tmp_path)
    answer = engine.ask("What is alphamab?")
    long_question = "x" * 5000

    def work() -> None:
        for _ in range(25):
            store.record(long_question, answer, "up")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    lines = (tmp_path / FILE_NAME).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 100 and all(json.loads(line)["question"] == long_question for line in lines)


def test_recording_needs_no_network(engine: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("feedback tried to use the network")

    answer = engine.ask("What is alphamab?")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    FeedbackStore(tmp_path).record("q", answer, "down")
    assert FeedbackStore(tmp_path).read()[0]["verdict"] == "down"


@pytest.mark.parametrize(("liked", "verdict"), [(True, "up"), (False, "down"), ("Like", "up"), ("Dislike", "down")])
def test_verdict_of_gradio_like_values(liked: object, verdict: str):
    assert verdict_of(liked) == verdict
