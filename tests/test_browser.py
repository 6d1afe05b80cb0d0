"""The chat in a real browser: Debian's Chromium driven by Playwright (never a downloaded browser).

Every page records each request it makes; a test fails if any goes to a host other than the server.
Screenshots are saved to test-artifacts/screenshots/ (the good ones are copied to docs/screenshots/).
"""

from __future__ import annotations

import json
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "test-artifacts" / "screenshots"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
WAIT_MS = 30_000  # generous: another job may be using both cores
XSS_PAYLOADS = [
    '<img src=x onerror="window.__xss=1">',
    "<script>window.__xss=1</script>",
    "[click me](http://example.com/steal) ![pic](http://example.com/p.png)",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def launch(demo: Any) -> str:
    demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True)
    return str(demo.local_url).rstrip("/")


def shot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


@pytest.fixture(scope="module")
def fake_engine(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from conftest import FakeEmbedder

    import bot

    base = tmp_path_factory.mktemp("browser")
    shutil.copytree(FIXTURES / "corpus", base / "corpus")
    return bot.load(corpus=base / "corpus", index=base / "index", embedder=FakeEmbedder())


@pytest.fixture(scope="module")
def feedback_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("feedback")


@pytest.fixture(scope="module")
def server(fake_engine: Any, feedback_dir: Path) -> Iterator[str]:
    from bot.app import build_app

    demo = build_app(fake_engine, feedback_dir=feedback_dir)
    try:
        yield launch(demo)
    finally:
        demo.close()


@pytest.fixture(scope="module")
def kiosk_server(fake_engine: Any, feedback_dir: Path) -> Iterator[str]:
    from bot.app import build_app

    demo = build_app(fake_engine, kiosk=True, idle_seconds=2.5, feedback_dir=feedback_dir)
    try:
        yield launch(demo)
    finally:
        demo.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, timeout=WAIT_MS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """open_page(url) -> a page in a fresh browser context (a new visitor), its requests recorded."""
    opened: list[tuple[str, list[str], Any]] = []

    def _open(url: str, width: int = 1100, height: int = 1000) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(WAIT_MS)
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        page.goto(url)
        page.locator("#question textarea").wait_for()
        opened.append((url, requests, context))
        return page

    yield _open
    for url, requests, context in opened:
        context.close()
        host = urlsplit(url).netloc
        foreign = [r for r in requests if urlsplit(r).scheme not in ("data", "blob") and urlsplit(r).netloc != host]
        assert requests and not foreign, f"requests to other hosts: {foreign}"


def ask(page: Any, question: str) -> Any:
    """Type a question, press Enter, and return the new answer's locator once it is shown."""
    answers = page.locator("#chat .bot-answer")
    before = answers.count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#chat .bot-answer').length > n", arg=before, timeout=WAIT_MS
    )
    return answers.nth(before)


def wait_for_rows(path: Path, n: int, timeout: float = 15.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    rows: list[dict] = []
    while time.monotonic() < deadline:
        if path.is_file():
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
            if len(rows) >= n:
                return rows
        time.sleep(0.1)
    raise AssertionError(f"expected {n} feedback rows in {path}, found {rows}")


def test_cited_answer_sources_feedback_follow_up_and_new_conversation(
    server: str, open_page: Callable[..., Any], fake_engine: Any, feedback_dir: Path
):
    page = open_page(server)
    answer = ask(page, "What is alphamab?")
    quote = "Alphamab, a CD19-directed antibody, prolongs survival for adults with relapsed ALL."
    assert quote in fake_engine.data.documents[fake_engine.data.doc_pos["drugs"]].text
    assert f"“{quote}” [1]" in answer.inner_text()

    source = answer.locator("details.bot-source").first
    summary = source.locator("summary")
    assert "[1] Fixture drugs" in summary.inner_text() and "2024-01-15" in summary.inner_text()
    mark = source.locator("mark")
    assert not mark.is_visible()  # collapsed until asked for
    summary.click()
    assert mark.is_visible() and mark.inner_text() == quote
    assert "Life-threatening toxicities" in source.locator(".bot-passage").inner_text()  # the passage around it
    shot(page, "fake-answer.png")

    page.locator("#chat").get_by_role("button", name="Like", exact=True).last.click()
    rows = wait_for_rows(feedback_dir / "feedback.jsonl", 1)
    assert rows[-1]["verdict"] == "up" and rows[-1]["question"] == "What is alphamab?"
    assert rows[-1]["chunk_ids"] == ["drugs#0"] and quote in rows[-1]["answer"]

    follow = ask(page, "What are its side effects?")
    searched = follow.locator(".bot-searched")
    assert searched.is_visible() and searched.inner_text() == "Searched for: What are alphamab side effects?"

    page.locator("#new-conversation").click()
    page.locator("#chat .bot-answer").first.wait_for(state="detached")
    fresh = ask(page, "What are its side effects?")
    assert page.locator("#chat .bot-answer").count() == 1
    assert "alphamab" not in fresh.inner_text().lower()


def test_abstention_is_a_distinct_notice(server: str, open_page: Callable[..., Any]):
    page = open_page(server)
    answer = ask(page, "What is the capital of Peru?")
    notice = answer.locator(".bot-abstain")
    assert notice.is_visible() and "Not answered by the text" in notice.inner_text()
    assert notice.evaluate("e => getComputedStyle(e).borderLeftStyle") == "solid"
    assert answer.locator(".bot-marker").count() == 0
    shot(page, "fake-abstention.png")


def test_user_markup_renders_as_text_and_never_runs(server: str, open_page: Callable[..., Any]):
    page = open_page(server)
    url = page.url
    for payload in XSS_PAYLOADS:
        ask(page, payload)
    page.wait_for_timeout(300)  # time for an injected onerror handler to have fired
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.url == url
    questions = page.locator("#chat .bot-question")
    assert [questions.nth(i).inner_text() for i in range(questions.count())] == XSS_PAYLOADS
    chat = page.locator("#chat")
    assert chat.locator("img[src='x'], .bot-question img, .bot-question a, .bot-question script").count() == 0
    assert chat.locator("a[href*='example.com']").count() == 0
    shot(page, "fake-xss.png")


def test_kiosk_large_type_and_reset_when_idle(kiosk_server: str, open_page: Callable[..., Any]):
    page = open_page(kiosk_server, width=1280)
    size = page.locator("#question textarea").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 20
    assert page.locator("footer a").count() == 0  # nothing to navigate away to
    answer = ask(page, "What is betacel?")
    assert "Betacel" in answer.inner_text()
    shot(page, "fake-kiosk.png")
    started = time.monotonic()
    answer.wait_for(state="detached", timeout=20_000)  # idle 2.5 s, checked every 0.6 s
    assert time.monotonic() - started >= 1.0
    assert page.locator("#chat .bot-question").count() == 0


@pytest.mark.model
def test_screenshots_with_the_real_model(real_engine: Any, open_page: Callable[..., Any], tmp_path: Path):
    """The README's screenshots: the project's own corpus and model."""
    from bot.app import build_app

    demo = build_app(real_engine, feedback_dir=tmp_path / "fb")
    kiosk = build_app(real_engine, kiosk=True, feedback_dir=tmp_path / "fb")
    try:
        url, kiosk_url = launch(demo), launch(kiosk)
        page = open_page(url, height=1100)
        answer = ask(page, "Tell me what blinatumomab is.")
        assert answer.locator(".bot-marker").count() >= 1
        answer.locator("details.bot-source summary").first.click()
        assert answer.locator("mark").first.is_visible()
        shot(page, "answer.png")

        page = open_page(url, height=1100)
        answer = ask(page, "How many mg of blinatumomab are given?")
        assert answer.locator(".bot-abstain").is_visible()
        related = answer.locator("details.bot-source")
        assert related.count() >= 1
        related.first.locator("summary").click()
        shot(page, "abstention.png")

        page = open_page(kiosk_url, width=1280, height=1000)
        ask(page, "Which immunotherapies are available for relapsed ALL?")
        shot(page, "kiosk.png")
    finally:
        demo.close()
        kiosk.close()
