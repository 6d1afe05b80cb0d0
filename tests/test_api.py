"""POST /api/ask (bot/api.py) and the server around it (bot/server.py): sessions, limits, login, workers.

In-process tests drive the FastAPI app with Starlette's TestClient (no port); the ``server`` tests
start real processes on free loopback ports.
"""

from __future__ import annotations

import base64
import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from bot.api import SessionStore, basic_credentials, credentials_ok
from bot.models import Answer
from bot.server import _mount_kwargs, create_app

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60


@pytest.fixture
def api(engine: Any) -> Iterator[TestClient]:
    with TestClient(create_app(engine)) as c:
        yield c


def ask(c: Any, question: Any, session: str | None = None, **kw: Any) -> httpx.Response:
    body: dict[str, Any] = {"question": question}
    if session is not None:
        body["session"] = session
    return c.post("/api/ask", json=body, **kw)


def test_ask_returns_the_answer_json_and_a_session(api: TestClient, engine: Any):
    r = ask(api, "What is alphamab?")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    data = r.json()
    assert data["new_conversation"] is True and data["session"].startswith("w0-")
    answer = Answer.model_validate(data)
    assert answer.answer == engine.ask("What is alphamab?").answer
    assert "Alphamab, a CD19-directed antibody" in answer.citations[0].quote


def test_a_session_continues_its_conversation_and_only_its_own(api: TestClient):
    first = ask(api, "What is betacel?").json()
    follow = ask(api, "What are its side effects?", session=first["session"]).json()
    assert follow["session"] == first["session"] and follow["new_conversation"] is False
    assert follow["searched_for"] == "What are betacel side effects?"
    assert any("hepatotoxicity" in c["quote"] for c in follow["citations"])
    alone = ask(api, "What are its side effects?").json()  # no session: no betacel context
    assert alone["session"] != first["session"] and "betacel" not in alone["searched_for"].lower()


def test_an_unknown_session_starts_a_new_conversation(api: TestClient):
    data = ask(api, "What is betacel?", session="w0-not-a-session").json()
    assert data["new_conversation"] is True and data["session"] != "w0-not-a-session"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"not json", 400, "body must be JSON"),
        (b"[1, 2]", 400, "JSON object"),
        (b'{"question": 3}', 400, '"question" must be a string'),
        (b'{"question": "   "}', 400, "empty"),
        (b'{"question": "What?", "session": 5}', 400, '"session" must be a string'),
        (b'{"question": "' + b"a" * 4001 + b'"}', 413, "longer than 4000 characters"),
        (b'{"question": "' + b"a" * 70000 + b'"}', 413, "over 64 KB"),
    ],
)
def test_bad_requests_get_one_clear_line(api: TestClient, body: bytes, status: int, message: str):
    r = api.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status
    assert message in r.json()["error"] and "\n" not in r.json()["error"]


def test_the_longest_question_the_page_accepts_is_answered(api: TestClient):
    r = ask(api, "What is alphamab? " + "x" * 3982)
    assert r.status_code == 200 and len("What is alphamab? " + "x" * 3982) == 4000


def test_only_post_is_served(api: TestClient):
    assert api.get("/api/ask?question=What+is+alphamab%3F").status_code in (404, 405)


def test_sessions_are_bounded_and_expire_when_idle():
    now = [0.0]
    made: list[int] = []
    store = SessionStore(lambda: made.append(1) or len(made), max_sessions=2, idle_seconds=10,
                         tag="w1-", clock=lambda: now[0])
    a, sa, new = store.get(None)
    assert new and a.startswith("w1-") and sa == 1
    assert store.get(a) == (a, 1, False)
    b, _, _ = store.get(None)
    now[0] = 5.0
    store.get(a)  # a is now the most recently used
    c, _, _ = store.get(None)  # over the bound: b, the least recently used, goes
    assert len(store) == 2 and store.get(b)[2] is True
    now[0] = 100.0
    assert store.get(a)[2] is True and store.get(c)[2] is True  # idle past 10 s: forgotten


def test_expired_sessions_are_reported_once_each_time_some_expire():
    now, ended = [0.0], []
    store = SessionStore(object, max_sessions=4, idle_seconds=10, clock=lambda: now[0], on_expire=lambda: ended.append(now[0]))
    a, _, _ = store.get(None)
    store.get(None)
    now[0] = 5.0
    store.get(a)
    assert ended == []  # nothing idle yet
    now[0] = 50.0
    store.get(None)
    assert ended == [50.0]  # two expired at once: one call
    store.get(None)
    assert ended == [50.0]


def test_kiosk_sessions_expire_after_the_kiosk_idle_time(engine: Any):
    from bot.api import AskEndpoint

    settings = engine.settings.model_copy(update={"kiosk_idle_seconds": 42, "api_session_idle_seconds": 900})
    assert AskEndpoint(engine, settings, kiosk=True).sessions.idle_seconds == 42
    assert AskEndpoint(engine, settings).sessions.idle_seconds == 900


def test_basic_credentials_are_parsed_and_compared():
    header = "Basic " + base64.b64encode(b"bob:hunter:2").decode()
    assert basic_credentials(header) == ("bob", "hunter:2")
    assert basic_credentials("Bearer xyz") is None and basic_credentials("Basic !!!") is None
    assert credentials_ok(("bob", "hunter:2"), [("ann", "pw"), ("bob", "hunter:2")])
    assert not credentials_ok(("bob", "hunter"), [("bob", "hunter:2")]) and not credentials_ok(None, [("a", "b")])


def test_every_route_refuses_without_the_login(engine: Any):
    auth = [("bob", "hunter2")]
    with TestClient(create_app(engine, auth=auth)) as c:
        r = ask(c, "What is alphamab?")
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic")
        assert ask(c, "What is alphamab?", auth=("bob", "wrong")).status_code == 401
        for path in ("/config", "/gradio_api/info", "/gradio_api/queue/status"):
            assert c.get(path).status_code == 401, path
        assert c.post("/gradio_api/call/ask", json={"data": ["What is alphamab?"]}).status_code == 401
        assert "Educational reference" not in c.get("/").text  # the page shell only: it asks /config, refused

        assert ask(c, "What is alphamab?", auth=("bob", "hunter2")).status_code == 200
        # Signed in on the page, the login cookie opens the API as well.
        assert c.post("/login", data={"username": "bob", "password": "hunter2"}).status_code == 200
        assert ask(c, "What is alphamab?").status_code == 200
        assert c.get("/config").status_code == 200 and "Educational reference" in c.get("/").text


def test_the_page_keeps_its_safe_defaults_when_mounted(engine: Any):
    from bot.app import build_app

    kw = _mount_kwargs(build_app(engine, kiosk=True))
    assert "share" not in kw and kw["footer_links"] == [] and kw["run_history"] is False
    assert kw["mcp_server"] is False and kw["ssr_mode"] is False and kw["max_file_size"] == "64kb"


def test_serve_loads_once_then_runs_on_loopback_with_the_login(monkeypatch: pytest.MonkeyPatch, engine: Any,
                                                               tmp_path: Path):
    import bot
    import bot.server
    from bot import app

    loads: list[dict] = []
    runs: list[dict] = []
    monkeypatch.setattr(bot, "load", lambda **kw: loads.append(kw) or engine)
    monkeypatch.setattr(bot.server, "run", lambda engine, host, port, **kw: runs.append(dict(host=host, port=port, **kw)))
    (tmp_path / "users").write_text("ann:pw\n", encoding="utf-8")
    app.serve(kiosk=True, auth_file=tmp_path / "users")
    assert loads[0]["progress"] is True
    assert runs[0]["host"] == "127.0.0.1" and runs[0]["port"] == 7860 and runs[0]["workers"] == 1
    assert runs[0]["auth"] == [("ann", "pw")] and runs[0]["kiosk"] is True
    app.serve(host="0.0.0.0", port=8123, workers=2)
    assert runs[1]["host"] == "0.0.0.0" and runs[1]["port"] == 8123 and runs[1]["workers"] == 2
    assert runs[1]["auth"] is None
    with pytest.raises(ValueError, match="--workers"):
        app.serve(workers=0)


# ------------------------------------------------------------------------------ real processes

SERVE_FAKE = """
import sys
sys.path.insert(0, {tests!r})
from conftest import FakeEmbedder
import bot
from bot.server import run
engine = bot.load(corpus={corpus!r}, index={index!r}, embedder=FakeEmbedder())
run(engine, "127.0.0.1", {port}, workers={workers}, auth={auth!r},
    ready=lambda: print("ready", flush=True))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def fake_servers(corpus: Path, index: Path, workers: list[int], auth: Any = None) -> Iterator[list[str]]:
    """`run()` with the fake embedder, one process per entry of ``workers`` (started together), each on
    a free loopback port; all stopped afterwards."""
    procs, urls = [], []
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    try:
        for n in workers:
            port = free_port()
            code = SERVE_FAKE.format(tests=str(ROOT / "tests"), corpus=str(corpus), index=str(index), port=port,
                                     workers=n, auth=auth)
            procs.append(subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                                          cwd=ROOT, env=env))
            urls.append(f"http://127.0.0.1:{port}")
        for proc in procs:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready", f"server did not start (exit {proc.poll()})"
        yield urls
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def fake_server(corpus: Path, index: Path, workers: int, auth: Any = None) -> Iterator[str]:
    with fake_servers(corpus, index, [workers], auth) as urls:
        yield urls[0]


@pytest.mark.server
def test_the_front_of_two_workers_is_a_fresh_lean_process_that_stops_them(corpus_dir: Path, tmp_path: Path,
                                                                         engine: Any):
    import psutil

    port = free_port()
    code = SERVE_FAKE.format(tests=str(ROOT / "tests"), corpus=str(corpus_dir), index=str(tmp_path / "index"),
                             port=port, workers=2, auth=None)
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        reply = httpx.post(f"http://127.0.0.1:{port}/api/ask", json={"question": "What is betacel?"}, timeout=TIMEOUT)
        assert reply.status_code == 200 and reply.json()["citations"]
        # The parent exec'd the front: same pid, a new program that never loaded the engine's libraries.
        assert b"bot.front" in Path(f"/proc/{proc.pid}/cmdline").read_bytes()
        assert "faiss" not in Path(f"/proc/{proc.pid}/maps").read_text()
        workers = psutil.Process(proc.pid).children()
        assert len(workers) == 2
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert proc.returncode == 0
    assert not any(psutil.pid_exists(w.pid) for w in workers), "SIGTERM to the front stops the workers"


@pytest.mark.server
def test_two_workers_share_the_load_keep_each_conversation_and_the_login(corpus_dir: Path, tmp_path: Path,
                                                                         engine: Any):
    # ``engine`` built the fixture index already: the server only loads it.
    login = ("bob", "hunter2")
    with fake_server(corpus_dir, tmp_path / "index", workers=2, auth=[login]) as url, \
            httpx.Client(timeout=TIMEOUT) as anonymous, httpx.Client(timeout=TIMEOUT, auth=login) as http:
        assert anonymous.post(f"{url}/api/ask", json={"question": "What is betacel?"}).status_code == 401
        for path in ("/gradio_api/info", "/config"):
            assert anonymous.get(url + path).status_code == 401, path

        firsts = [http.post(f"{url}/api/ask", json={"question": "What is betacel?"}).json() for _ in range(4)]
        assert {f["session"][:3] for f in firsts} == {"w0-", "w1-"}, "both workers answer"
        for f in firsts:  # each follow-up finds its conversation, whichever worker holds it
            follow = http.post(f"{url}/api/ask", json={"question": "What are its side effects?",
                                                      "session": f["session"]}).json()
            assert follow["new_conversation"] is False and follow["searched_for"] == "What are betacel side effects?"

        # curl's "Expect: 100-continue": the front answers it, reads the body, routes by the session.
        body = b'{"question": "What are its side effects?", "session": "%s"}' % firsts[1]["session"].encode()
        auth_header = base64.b64encode(b"bob:hunter2")
        with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=TIMEOUT) as raw:
            raw.sendall(b"POST /api/ask HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\nContent-Type: "
                        b"application/json\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n"
                        % (auth_header, len(body)))
            assert raw.recv(64).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
            raw.sendall(body)
            reply = b""
            while b'"new_conversation"' not in reply:
                reply += raw.recv(65536)
            assert reply.startswith(b"HTTP/1.1 200") and b'"new_conversation":false' in reply

        # The page: the first reply pins the browser to a worker; its login and chat stay there.
        from gradio_client import Client

        chat = Client(url, auth=login, verbose=False, download_files=False, httpx_kwargs={"timeout": TIMEOUT})
        chat.predict("What is betacel?", api_name="/chat")
        _, history = chat.predict("What are its side effects?", api_name="/chat")
        assert len(history) == 4 and "betacel" in str(history[-1]["content"]).lower()
        with httpx.Client(timeout=TIMEOUT) as browser:
            page = browser.get(url + "/")
            assert page.status_code == 200 and page.cookies.get("bot_worker") in ("0", "1")
            again = browser.get(url + "/")  # the cookie is followed, not set anew
            assert again.status_code == 200 and "bot_worker" not in again.headers.get("set-cookie", "")
