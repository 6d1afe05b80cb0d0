"""The web app: a real Gradio server on a free loopback port, driven through gradio_client and HTTP.

Server tests use the fake-embedder ``engine`` fixture. The page's behaviour without Gradio is in
test_web_controller.py, its HTML in test_web_render.py.
"""

from __future__ import annotations

import contextlib
import html
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app import build_app, read_auth_file
from bot.models import Answer

TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running(demo: Any, **launch: Any) -> Iterator[str]:
    """Launch ``demo`` on a free loopback port; yield its URL; always close it."""
    demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True, **launch)
    try:
        yield demo.local_url.rstrip("/")
    finally:
        demo.close()


def client(url: str, **kwargs: Any) -> Any:
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False, httpx_kwargs={"timeout": TIMEOUT}, **kwargs)


def doc_text(engine: Any, doc_id: str) -> str:
    data = engine.data
    return data.documents[data.doc_pos[doc_id]].text


def assistant_texts(history: list[dict]) -> list[str]:
    """The assistant messages of a chatbot value, as the text a reader sees (tags removed, unescaped)."""
    out = []
    for message in history:
        if message["role"] != "assistant":
            continue
        content = message["content"]
        raw = "".join(part.get("text", "") for part in content) if isinstance(content, list) else str(content)
        out.append(html.unescape(re.sub(r"<[^>]+>", " ", raw)))
    return out


@pytest.fixture
def app_url(engine: Any, tmp_path: Path) -> Iterator[str]:
    with running(build_app(engine, feedback_dir=tmp_path / "feedback")) as url:
        yield url


# ---------------------------------------------------------------------------------------------- API


@pytest.mark.server
def test_ask_api_returns_the_answer_as_json_with_verbatim_citations(app_url: str, engine: Any):
    result = client(app_url).predict("What is alphamab?", api_name="/ask")
    answer = Answer.model_validate(result)
    assert not answer.abstained and answer.citations
    assert answer.answer == engine.ask("What is alphamab?").answer
    for c in answer.citations:
        assert doc_text(engine, c.doc_id)[c.start : c.end] == c.quote
        assert c.chunk_id and c.date == "2024-01-15"
    assert "Alphamab, a CD19-directed antibody" in answer.citations[0].quote


@pytest.mark.server
def test_ask_api_is_one_turn(app_url: str):
    c = client(app_url)
    c.predict("What is alphamab?", api_name="/ask")
    follow = Answer.model_validate(c.predict("What are its side effects?", api_name="/ask"))
    assert "alphamab" not in follow.searched_for.lower()


@pytest.mark.server
def test_chat_endpoint_follows_up_within_one_session_only(app_url: str, engine: Any):
    one, two = client(app_url), client(app_url)
    _, history = one.predict("What is betacel?", api_name="/chat")
    assert len(history) == 2
    _, history = one.predict("What are its side effects?", api_name="/chat")
    assert [m["role"] for m in history] == ["user", "assistant"] * 2
    shown = assistant_texts(history)[-1]
    assert "Searched for: What are betacel side effects?" in shown
    quote = "Betacel may cause hepatotoxicity, including veno-occlusive disease."
    assert quote in shown and quote in doc_text(engine, "drugs")

    # Another browser session asking the same follow-up has no betacel context.
    _, other = two.predict("What are its side effects?", api_name="/chat")
    assert len(other) == 2 and "betacel" not in assistant_texts(other)[0].lower().split("related passages")[0]  # (its own answer)


@pytest.mark.server
def test_new_conversation_forgets_the_previous_turns(app_url: str):
    c = client(app_url)
    c.predict("What is betacel?", api_name="/chat")
    _, history = c.predict(api_name="/new_conversation")[:2]
    assert history == []
    _, history = c.predict("What are its side effects?", api_name="/chat")
    assert len(history) == 2 and "Searched for" not in assistant_texts(history)[0]


@pytest.mark.server
def test_kiosk_conversation_resets_after_idle(engine: Any, tmp_path: Path):
    # Generous idle time: on a loaded 2-core machine one answer can take a second or more.
    with running(build_app(engine, kiosk=True, idle_seconds=4.0, feedback_dir=tmp_path / "fb")) as url:
        c = client(url)
        c.predict("What is betacel?", api_name="/chat")
        _, history = c.predict("What are its side effects?", api_name="/chat")  # still within the idle time
        assert len(history) == 4 and "betacel" in assistant_texts(history)[-1].lower()
        time.sleep(4.5)
        _, history = c.predict("What are its side effects?", api_name="/chat")
        assert len(history) == 2, "a kiosk's next visitor must start a new conversation"
        assert "Searched for" not in assistant_texts(history)[0]


@pytest.mark.server
def test_auth_refuses_a_wrong_password(engine: Any, tmp_path: Path):
    auth_file = tmp_path / "users.txt"
    auth_file.write_text("# kiosk staff\nalice:s3cret:with-colon\n\nbob:hunter2\n", encoding="utf-8")
    auth = read_auth_file(auth_file)
    assert auth == [("alice", "s3cret:with-colon"), ("bob", "hunter2")]
    with running(build_app(engine, feedback_dir=tmp_path / "fb"), auth=auth) as url:
        with httpx.Client(base_url=url, timeout=TIMEOUT) as http:
            assert http.get("/config").status_code == 401
            wrong = http.post("/login", data={"username": "alice", "password": "s3cret"})
            assert wrong.status_code in (400, 401) and not http.cookies
            assert http.get("/config").status_code == 401
            right = http.post("/login", data={"username": "alice", "password": "s3cret:with-colon"})
            assert right.status_code == 200
            assert http.get("/config").status_code == 200
        with pytest.raises(Exception):  # noqa: B017 - gradio_client raises a plain ValueError
            client(url, auth=("bob", "wrong"))
        answer = client(url, auth=("bob", "hunter2")).predict("What is alphamab?", api_name="/ask")
        assert not answer["abstained"]


@pytest.mark.parametrize("text", ["", "# only a comment\n", "alice\n", ":nouser\n", "alice:\n"])
def test_auth_file_rejects_malformed_lines(tmp_path: Path, text: str):
    path = tmp_path / "users.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError):
        read_auth_file(path)


@pytest.mark.server
def test_no_endpoint_serves_files_outside_the_app(engine: Any, tmp_path: Path, corpus_dir: Path):
    secret = tmp_path / "secret.txt"  # beside the corpus folder, like the index and feedback folders
    secret.write_text("TOP-SECRET-CANARY-5f1e", encoding="utf-8")
    corpus_file = corpus_dir / "drugs.md"
    passwd = Path("/etc/passwd")
    targets = {
        secret: "TOP-SECRET-CANARY-5f1e",
        corpus_file: "Alphamab, a CD19-directed antibody",
        tmp_path / "index" / "manifest.json": '"embedder"',
        Path(__file__).resolve(): "TOP-SECRET" + "-CANARY",  # this file's own source
    }
    if passwd.is_file():
        targets[passwd] = "root:"
    assert all(t.is_file() for t in targets), [str(t) for t in targets if not t.is_file()]
    with running(build_app(engine, feedback_dir=tmp_path / "fb")) as url, httpx.Client(base_url=url) as http:
        assert http.get("/").status_code == 200  # the server is up: refusals below are real refusals
        for target, content in targets.items():
            p = str(target)
            rel = "../" * 8 + p.lstrip("/")
            for path in (
                f"/file={p}", f"/gradio_api/file={p}", f"/file/{p}", f"/gradio_api/file/{p}",
                f"/gradio_api/file={rel}", f"/file={rel}", f"/gradio_api/file={p.replace('/', '%2F')}",
                f"/static/{rel}", f"/assets/{rel}", f"/gradio_api/static/{rel}",
            ):
                r = http.get(path)
                assert r.status_code in (400, 403, 404), (path, r.status_code)
                assert content not in r.text, path


@pytest.mark.server
def test_page_loads_nothing_from_the_internet(app_url: str):
    with httpx.Client(base_url=app_url, timeout=TIMEOUT) as http:
        page = http.get("/").text
        theme_css = http.get("/theme.css").text
    assert "fonts.googleapis" not in page + theme_css and "fonts.gstatic" not in page + theme_css
    external = re.findall(r"""<(?:script|link|img|iframe)[^>]*(?:src|href)=["']?(?:https?:)?//""", page)
    assert not external
    assert not re.search(r"@import\s+url\(\s*['\"]?(?:https?:)?//", theme_css)
    assert "system-ui" in theme_css


def test_share_links_are_refused(engine: Any, tmp_path: Path):
    with pytest.raises(ValueError, match="share"):
        build_app(engine, feedback_dir=tmp_path / "fb").launch(share=True, prevent_thread_lock=True)


@pytest.mark.server
def test_any_input_gets_an_answer_and_the_server_survives(app_url: str):
    c = client(app_url)
    for text in ["x" * 200_000, "\x00\x1b[31m\u202e\ud7ff 🙂", "   ", "?!?", "<" * 5000]:
        answer = Answer.model_validate(c.predict(text, api_name="/ask"))
        assert answer.answer
        c.predict(text, api_name="/chat")
    _, history = c.predict("What is alphamab?", api_name="/chat")
    assert "Alphamab, a CD19-directed antibody" in assistant_texts(history)[-1]
    long_shown = [m for m in history if m["role"] == "user"][0]
    assert len(str(long_shown["content"])) < 10_000  # a pasted novel is shown cut, not echoed whole
