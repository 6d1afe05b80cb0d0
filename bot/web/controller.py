"""What the chat page does, without Gradio: conversations, the kiosk's idle reset, feedback, length limits.

    chat = ChatController(engine, settings=settings, kiosk=True)
    conv = chat.show("What is blinatumomab?", None)   # the question at once, with a "searching" row
    conv = chat.answer(conv)                           # the answer replaces the "searching" row
    chat.feedback(conv, message_index=1, liked=True)

The page (bot/web/page.py) only lays these out and wires them to events; tests drive this class directly.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.feedback import FeedbackStore, verdict_of
from bot.models import Answer
from bot.settings import Settings
from bot.web.render import PENDING_HTML, answer_html, question_html

Message = dict[str, str]


@dataclass
class Conversation:
    """One browser session's conversation. Never shared: each gr.State holds its own."""

    session: Any
    history: list[Message] = field(default_factory=list)
    records: dict[int, tuple[str, Answer]] = field(default_factory=dict)  # message index -> (question, answer)
    pending: list[tuple[int, str]] = field(default_factory=list)  # (message index, question) still searching
    last_active: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)  # a Session is one turn at a time


class ChatController:
    def __init__(
        self,
        engine: Any,
        *,
        settings: Settings | None = None,
        kiosk: bool = False,
        feedback_dir: str | Path | None = None,
        idle_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.settings = settings or getattr(engine, "settings", None) or Settings()
        self.kiosk = kiosk
        self.store = FeedbackStore(feedback_dir if feedback_dir is not None else self.settings.feedback_dir)
        self.idle = float(idle_seconds if idle_seconds is not None else self.settings.kiosk_idle_seconds)
        self.limit = self.settings.max_question_chars
        self.clock = clock

    # ------------------------------------------------------------------ conversations

    def new(self) -> Conversation:
        return Conversation(self.engine.session(), last_active=self.clock())

    def expired(self, conv: Conversation | None) -> bool:
        return self.kiosk and conv is not None and self.clock() - conv.last_active >= self.idle

    def end(self) -> None:
        """A conversation has ended (the visitor left, or pressed "New conversation"): a kiosk's engine
        drops what it keeps of the questions it answered (``Engine.forget``)."""
        forget = getattr(self.engine, "forget", None)
        if self.kiosk and forget is not None:
            forget()


    def show(self, message: object, conv: Conversation | None) -> Conversation | None:
        """Put the question in the conversation at once, followed by a "searching" row. None: nothing to ask."""
        text = "" if message is None else str(message)
        if not text.strip():
            return None
        if conv is None or self.expired(conv):  # a kiosk's next visitor never continues the last one's chat
            if conv is not None:
                self.end()
            conv = self.new()
        # The answer path cuts a long question itself and says so in the answer's notes; the page shows
        # the part that is kept (the box's own limit is the same, so only API callers meet this).
        conv.history.append({"role": "user", "content": question_html(text, self.limit)})
        conv.history.append({"role": "assistant", "content": PENDING_HTML})
        conv.pending.append((len(conv.history) - 1, text))
        conv.last_active = self.clock()
        return conv

    def answer(self, conv: Conversation | None) -> Conversation | None:
        """Answer the oldest question still searching, in place of its "searching" row."""
        if conv is None:
            return None
        with conv.lock:
            if not conv.pending:
                return conv
            index, question = conv.pending.pop(0)
            answer = self.ask(conv.session, question)
            if index < len(conv.history):
                conv.history[index] = {"role": "assistant", "content": self.render(answer)}
                conv.records[index] = (question[: self.limit], answer)
            conv.last_active = self.clock()
        return conv

    def respond(self, message: object, conv: Conversation | None) -> Conversation | None:
        """Question and answer in one step (the API's /chat)."""
        return self.answer(self.show(message, conv))

    def ask(self, session: Any, question: str) -> Answer:
        try:
            return session.ask(question)
        except Exception as exc:  # noqa: BLE001 - the page must survive any input
            print(f"error answering a question: {type(exc).__name__}: {exc}", file=sys.stderr)
            reason = "Something went wrong answering that; please ask again."
            return Answer(answer=reason, abstained=True, confidence=0.0, question=question, status="abstain",
                          reason=reason)

    def render(self, answer: Answer) -> str:
        return answer_html(answer, show_confidence=not self.kiosk)  # a visitor cannot use a score

    def idle_reset(self, conv: Conversation | None, shown: list[Any] | None) -> bool:
        """Whether the page must be cleared: the visitor left, or Gradio dropped a state the page still shows."""
        if self.expired(conv) or (conv is None and bool(shown)):
            self.end()
            return True
        return False

    # ------------------------------------------------------------------ feedback and API

    def feedback(self, conv: Conversation | None, message_index: int, liked: object) -> dict[str, Any] | None:
        """Store a thumbs up/down on an answer of this conversation; None when there is no such answer."""
        if conv is None:
            return None
        record = conv.records.get(int(message_index))
        if record is None:
            return None
        question, answer = record
        conv.last_active = self.clock()
        return self.store.record(question, answer, verdict_of(liked), message_index=int(message_index))

    def ask_json(self, question: object) -> dict[str, Any]:
        """One question on its own (no conversation), the Answer as JSON."""
        return self.engine.session().ask(question).model_dump(mode="json")
