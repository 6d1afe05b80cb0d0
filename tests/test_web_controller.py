"""bot.web.controller and bot.web.site: the chat page's behaviour, without Gradio or a server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.models import Answer
from bot.web.controller import ChatController
from bot.web.render import PENDING_HTML, html_text
from bot.web.site import Site, load_site


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def controller(engine: Any, tmp_path: Path, **kw: Any) -> ChatController:
    return ChatController(engine, feedback_dir=tmp_path / "fb", **kw)


def shown(conv: Any) -> list[str]:
    return [html_text(m["content"]) for m in conv.history]


def test_the_question_shows_at_once_with_a_searching_row_then_its_answer(engine: Any, tmp_path: Path):
    chat = controller(engine, tmp_path)
    conv = chat.show("What is alphamab?", None)
    assert conv is not None
    assert [m["role"] for m in conv.history] == ["user", "assistant"]
    assert conv.history[1]["content"] == PENDING_HTML and "Searching the text" in shown(conv)[1]
    assert conv.records == {}
    conv = chat.answer(conv)
    assert conv is not None and not conv.pending
    assert "Alphamab, a CD19-directed antibody" in shown(conv)[1]
    question, answer = conv.records[1]
    assert question == "What is alphamab?" and not answer.abstained


def test_blank_input_asks_nothing(engine: Any, tmp_path: Path):
    chat = controller(engine, tmp_path)
    assert chat.show("   ", None) is None and chat.show(None, None) is None and chat.answer(None) is None


def test_follow_ups_stay_in_their_own_conversation(engine: Any, tmp_path: Path):
    chat = controller(engine, tmp_path)
    one = chat.respond("What is betacel?", None)
    one = chat.respond("What are its side effects?", one)
    assert one is not None and "Searched for: What are betacel side effects?" in shown(one)[3]
    other = chat.respond("What are its side effects?", None)
    assert other is not None and "betacel" not in shown(other)[1].lower().split("related passages")[0]  # (its own answer)


def test_two_questions_sent_before_either_is_answered_are_answered_in_order(engine: Any, tmp_path: Path):
    chat = controller(engine, tmp_path)
    conv = chat.show("What is alphamab?", None)
    conv = chat.show("What is betacel?", conv)
    assert conv is not None and len(conv.pending) == 2
    chat.answer(conv)
    chat.answer(conv)
    text = shown(conv)
    assert "Alphamab" in text[1] and "Betacel" in text[3] and not conv.pending


def test_kiosk_conversation_expires_after_the_idle_time(engine: Any, tmp_path: Path):
    clock = Clock()
    chat = controller(engine, tmp_path, kiosk=True, idle_seconds=60, clock=clock)
    conv = chat.respond("What is betacel?", None)
    clock.now += 59
    assert not chat.expired(conv) and not chat.idle_reset(conv, [1])
    conv2 = chat.respond("What are its side effects?", conv)
    assert conv2 is conv and len(conv.history) == 4
    clock.now += 60
    assert chat.expired(conv) and chat.idle_reset(conv, [1])
    fresh = chat.respond("What are its side effects?", conv)
    assert fresh is not conv and fresh is not None and len(fresh.history) == 2
    assert chat.idle_reset(None, [1]) and not chat.idle_reset(None, [])  # a state Gradio dropped


class Forgetting:
    """The engine, counting the times it is told to forget its questions."""

    def __init__(self, engine: Any) -> None:
        self.engine, self.forgot = engine, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)

    def forget(self) -> None:
        self.forgot += 1


def test_a_kiosk_engine_forgets_its_questions_when_a_conversation_ends(engine: Any, tmp_path: Path):
    clock, counted = Clock(), Forgetting(engine)
    chat = controller(counted, tmp_path, kiosk=True, idle_seconds=60, clock=clock)
    conv = chat.respond("What is betacel?", None)
    assert counted.forgot == 0 and not chat.idle_reset(conv, [1])
    clock.now += 60
    assert chat.idle_reset(conv, [1]) and counted.forgot == 1  # the visitor left: the page is cleared
    chat.respond("What is alphamab?", conv)  # the next visitor's question on the expired conversation
    assert counted.forgot == 2
    chat.end()  # "New conversation"
    assert counted.forgot == 3
    desk = Forgetting(engine)
    desk_chat = controller(desk, tmp_path, idle_seconds=10, clock=clock)
    desk_chat.respond("What is betacel?", None)
    desk_chat.end()
    assert desk.forgot == 0  # a desktop's engine serves many at once and keeps its caches


def test_desktop_conversations_never_expire(engine: Any, tmp_path: Path):
    clock = Clock()
    chat = controller(engine, tmp_path, idle_seconds=10, clock=clock)
    conv = chat.respond("What is betacel?", None)
    clock.now += 10_000
    assert not chat.expired(conv)


def test_confidence_shows_on_desktop_only(engine: Any, tmp_path: Path):
    desk = controller(engine, tmp_path).respond("What is alphamab?", None)
    kiosk = controller(engine, tmp_path, kiosk=True).respond("What is alphamab?", None)
    assert desk is not None and kiosk is not None
    assert "Confidence" in shown(desk)[1] and "Confidence" not in shown(kiosk)[1]


def test_a_long_question_shows_what_was_kept_and_the_answer_says_so(engine: Any, tmp_path: Path):
    chat = controller(engine, tmp_path)
    text = "What is alphamab? " + "x " * 3000
    conv = chat.respond(text, None)
    assert conv is not None
    question, answer = shown(conv)
    assert question == text[: chat.limit].strip() + " …"
    assert f"Your question was cut to its first {chat.limit} characters." in answer
    assert len(conv.records[1][0]) == chat.limit


def test_feedback_is_stored_for_answers_of_this_conversation_only(engine: Any, tmp_path: Path):
    chat = controller(engine, tmp_path)
    conv = chat.respond("What is alphamab?", None)
    row = chat.feedback(conv, 1, True)
    assert row is not None and row["verdict"] == "up" and row["question"] == "What is alphamab?"
    assert chat.feedback(conv, 0, False) is None  # a question, not an answer
    assert chat.feedback(None, 1, False) is None
    assert chat.feedback(conv, 1, "Dislike") is not None
    assert [r["verdict"] for r in chat.store.read()] == ["up", "down"]


def test_an_error_in_the_answer_path_is_a_message_not_a_crash(engine: Any, tmp_path: Path, capsys: Any):
    chat = controller(engine, tmp_path)

    class Broken:
        def ask(self, question: str) -> Answer:
            raise RuntimeError("boom")

    conv = chat.new()
    conv.session = Broken()
    conv = chat.respond("What is alphamab?", conv)
    assert conv is not None and "Something went wrong" in shown(conv)[1]
    assert "boom" in capsys.readouterr().err and "boom" not in shown(conv)[1]


def test_ask_json_is_one_turn_as_json(engine: Any, tmp_path: Path):
    chat = controller(engine, tmp_path)
    out = chat.ask_json("What is alphamab?")
    assert Answer.model_validate(out).citations and json.dumps(out)


# ---------------------------------------------------------------------------------------- site.json


def test_site_file_gives_title_description_and_examples(tmp_path: Path):
    (tmp_path / "site.json").write_text(
        json.dumps({"title": "T", "description": "D", "examples": ["Q1?", "Q2?"]}), encoding="utf-8"
    )
    assert load_site(tmp_path) == Site(title="T", description="D", examples=["Q1?", "Q2?"])
    assert load_site(tmp_path / "docs.jsonl").title == "T"  # a .jsonl corpus: the file beside it


def test_without_a_site_file_the_page_is_neutral_and_asks_about_glossary_terms(engine: Any, tmp_path: Path):
    site = load_site(tmp_path, engine.glossary)
    assert site.title == "Medical reference" and site.examples == [
        "What is alphamab?", "What is betacel?", "What is gammastat?"
    ]
    assert load_site(tmp_path).examples == []


@pytest.mark.parametrize(
    ("text", "message"),
    [("{", "not valid JSON"), ('{"title": ""}', "title"), ('{"examples": "one"}', "examples")],
)
def test_a_malformed_site_file_is_one_clear_line(tmp_path: Path, text: str, message: str):
    (tmp_path / "site.json").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as err:
        load_site(tmp_path)
    assert "\n" not in str(err.value) and "site.json" in str(err.value)


def test_the_bundled_corpus_has_its_site_file():
    root = Path(__file__).resolve().parent.parent
    site = load_site(root / "corpus")
    assert site.title == "Relapsed ALL reference" and len(site.examples) == 4
