"""``POST /api/ask``: the Answer as plain JSON, for scripts and other systems, beside the chat page.

    curl -s -X POST http://127.0.0.1:7860/api/ask -H 'Content-Type: application/json' \\
         -d '{"question": "What is blinatumomab?"}'
    # -> {"session": "w0-…", "new_conversation": true, "answer": "…", "citations": [...], ...}

Send the returned ``session`` with the next question to continue the conversation (follow-ups such as
"What are its side effects?" then refer to the earlier turn). Sessions live in the serving process,
are bounded in number (the least recently used is dropped) and expire when idle; in kiosk mode they
expire after the kiosk's idle time, as the page's conversations do. An unknown or expired session
starts a new conversation, and the reply says so (``new_conversation``).

Limits are the page's: a question longer than the page's text box accepts is refused (413), as is a
body over 64 KB. With ``--auth-file`` every request needs HTTP Basic credentials from that file (or
the page's login cookie); without them the reply is 401.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import json
import secrets
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.settings import Settings

MAX_BODY_BYTES = 64 * 1024  # the page's upload limit (max_file_size "64kb")
PATH = "/api/ask"


@dataclass
class _Entry:
    session: Any
    last_active: float = field(default_factory=time.monotonic)


class SessionStore:
    """Server-side conversations keyed by an unguessable id; bounded, idle ones expire.

    Ids start with ``tag`` (the worker's, e.g. ``w1-``) so that a front process can send a
    conversation's next question to the worker that holds it.
    """

    def __init__(
        self,
        new_session: Callable[[], Any],
        max_sessions: int,
        idle_seconds: float,
        tag: str = "",
        clock: Callable[[], float] = time.monotonic,
        on_expire: Callable[[], None] | None = None,
    ) -> None:
        self.new_session = new_session
        self.on_expire = on_expire  # called when idle conversations have expired (a kiosk: Engine.forget)
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds
        self.tag = tag
        self.clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def _expire(self, now: float) -> None:
        # Oldest first (the dict is kept in order of last use): stop at the first one still fresh.
        expired = False
        while self._entries:
            sid, entry = next(iter(self._entries.items()))
            if now - entry.last_active < self.idle_seconds:
                break
            del self._entries[sid]
            expired = True
        if expired and self.on_expire is not None:
            self.on_expire()

    def get(self, sid: str | None) -> tuple[str, Any, bool]:
        """(id, session, new): the live session ``sid``, else a new one."""
        now = self.clock()
        with self._lock:
            self._expire(now)
            entry = self._entries.get(sid) if sid else None
            if entry is not None:
                entry.last_active = now
                self._entries.move_to_end(sid)  # type: ignore[arg-type]
                return sid, entry.session, False  # type: ignore[return-value]
            sid = self.tag + secrets.token_urlsafe(18)
            self._entries[sid] = _Entry(self.new_session(), now)
            while len(self._entries) > self.max_sessions:
                self._entries.popitem(last=False)
            return sid, self._entries[sid].session, True


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(user, password) of an ``Authorization: Basic`` header, or None."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


def credentials_ok(given: tuple[str, str] | None, auth: list[tuple[str, str]]) -> bool:
    if given is None:
        return False
    ok = False
    for user, password in auth:  # every pair compared in constant time: no early exit to time
        ok |= hmac.compare_digest(given[0].encode(), user.encode()) & hmac.compare_digest(
            given[1].encode(), password.encode()
        )
    return ok


def _error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers or None)


class AskEndpoint:
    """The ``/api/ask`` handler of one serving process.

    Answers are computed one at a time on one thread: the engine is CPU-bound and holds the GIL,
    so more threads would only add switching; the event loop stays free to read and write.
    """

    def __init__(
        self,
        engine: Any,
        settings: Settings,
        *,
        kiosk: bool = False,
        auth: list[tuple[str, str]] | None = None,
        cookie_user: Callable[[Request], str | None] | None = None,
        tag: str = "",
    ) -> None:
        self.engine = engine
        self.auth = auth
        self.cookie_user = cookie_user
        self.max_chars = settings.max_question_chars * 4  # the page's text box max_length
        idle = settings.kiosk_idle_seconds if kiosk else settings.api_session_idle_seconds
        # A kiosk's engine keeps nothing of a visitor whose conversation has ended (Engine.forget).
        forget = getattr(engine, "forget", None) if kiosk else None
        self.sessions = SessionStore(engine.session, settings.api_max_sessions, idle, tag, on_expire=forget)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bot-api")

    def authorized(self, request: Request) -> bool:
        if self.auth is None:
            return True
        if credentials_ok(basic_credentials(request.headers.get("authorization")), self.auth):
            return True
        return self.cookie_user is not None and self.cookie_user(request) is not None

    def _answer(self, sid: str | None, question: str) -> bytes:
        """The reply body: the session fields, then the Answer's own fields (pydantic's fast JSON)."""
        sid, session, new = self.sessions.get(sid)
        try:
            answer = session.ask(question).model_dump_json().encode()
        except Exception as exc:  # noqa: BLE001 - one bad question must not take the endpoint down
            print(f"error answering a question: {type(exc).__name__}: {exc}", file=sys.stderr)
            raise
        head = json.dumps({"session": sid, "new_conversation": new}, separators=(",", ":")).encode()
        return head[:-1] + b"," + answer[1:]

    async def handle(self, request: Request) -> Response:
        if not self.authorized(request):
            return _error(401, "sign in: HTTP Basic credentials from the server's auth file",
                          **{"WWW-Authenticate": 'Basic realm="bot", charset="UTF-8"'})
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            return _error(413, f"request body over {MAX_BODY_BYTES // 1024} KB")
        body = b""
        async for chunk in request.stream():  # counted as it arrives: a missing length cannot exceed it
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return _error(413, f"request body over {MAX_BODY_BYTES // 1024} KB")
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return _error(400, 'body must be JSON: {"question": "...", "session": "..." (optional)}')
        if not isinstance(data, dict):
            return _error(400, 'body must be a JSON object: {"question": "...", "session": "..." (optional)}')
        question, sid = data.get("question"), data.get("session")
        if not isinstance(question, str):
            return _error(400, '"question" must be a string')
        if sid is not None and not isinstance(sid, str):
            return _error(400, '"session" must be a string returned by an earlier answer')
        if not question.strip():
            return _error(400, '"question" is empty')
        if len(question) > self.max_chars:
            return _error(413, f'"question" is longer than {self.max_chars} characters')
        loop = asyncio.get_running_loop()
        try:
            out = await loop.run_in_executor(self._pool, self._answer, sid or None, question)
        except Exception:  # noqa: BLE001 - logged in _answer; the client gets one line
            return _error(500, "something went wrong answering that; please ask again")
        return Response(out, media_type="application/json")


def add_ask_route(app: Any, endpoint: AskEndpoint) -> None:
    """Mount ``endpoint`` at ``POST /api/ask`` on a FastAPI/Starlette ``app``."""
    app.add_route(PATH, endpoint.handle, methods=["POST"], include_in_schema=False)
