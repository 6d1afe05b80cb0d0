"""The chat in a real browser: Debian's Chromium driven by Playwright (never a downloaded browser).

Every page records each request it makes; a test fails if any goes to a host other than the server.
Accessibility is checked with axe-core, bundled in axe-playwright-python (no download at run time).
One server per mode (desktop, kiosk) for the module, and one browser; screenshots go to
test-artifacts/screenshots/ (the real-model ones are the README's, copied to docs/screenshots/).
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
DESKTOP, PHONE, KIOSK = (1280, 900), (390, 844), (1920, 1080)
XSS_PAYLOADS = [
    '<img src=x onerror="window.__xss=1">',
    "<script>window.__xss=1</script>",
    "[click me](http://example.com/steal) ![pic](http://example.com/p.png)",
]
QUOTE = "Alphamab, a CD19-directed antibody, prolongs survival for adults with relapsed ALL."
BOX = "#question textarea"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def launch(demo: Any) -> str:
    demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True)
    return str(demo.local_url).rstrip("/")


def shot(page: Any, name: str, full_page: bool = True) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    page.screenshot(path=str(path), full_page=full_page)
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
    """open_page(url, (w, h)) -> a page in a fresh browser context (a new visitor), its requests recorded."""
    opened: list[tuple[str, list[str], Any]] = []

    def _open(url: str, size: tuple[int, int] = DESKTOP) -> Any:
        context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        context.set_default_timeout(WAIT_MS)
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        page.goto(url)
        page.locator(BOX).wait_for()
        page.locator("html[data-bot-ready]").wait_for(state="attached")  # the page's own script has run
        opened.append((url, requests, context))
        return page

    yield _open
    for url, requests, context in opened:
        context.close()
        host = urlsplit(url).netloc
        foreign = [r for r in requests if urlsplit(r).scheme not in ("data", "blob") and urlsplit(r).netloc != host]
        assert requests and not foreign, f"requests to other hosts: {foreign}"


def ask(page: Any, question: str, keyboard: bool = False) -> Any:
    """Type a question, press Enter, and return the new answer's locator once it is shown."""
    answers = page.locator("#chat .bot-answer")
    before = answers.count()
    box = page.locator(BOX)
    if keyboard:
        page.keyboard.type(question)
        page.keyboard.press("Enter")
    else:
        box.fill(question)
        box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#chat .bot-answer').length > n", arg=before, timeout=WAIT_MS
    )
    page.wait_for_timeout(150)  # the page's own script scrolls the newest question into view after the answer
    return answers.nth(before)


def axe_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    # Checked once the page is at rest: no answer pending, no progress overlay, no transition under way
    # (a fading element's colours are not the ones a reader sees).
    page.wait_for_function(
        """() => !document.querySelector('#chat .bot-pending')
            && ![...document.querySelectorAll('[data-testid="status-tracker"]')].some(e => !e.classList.contains('hide'))
            && document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)"""
    )
    result = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:4]}" for v in result.response["violations"]
    ]


def in_view(page: Any, selector: str) -> bool:
    """Whether the element's top edge and at least 40 px of it are inside the viewport."""
    box = page.locator(selector).bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= -2 and box["y"] + min(box["height"], 40) <= height


def tab_to(page: Any, test_js: str, backwards: bool = False, limit: int = 60) -> None:
    """Press Tab (or Shift+Tab) until the focused element passes ``test_js`` (a function of it)."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate(f"({test_js})(document.activeElement)"):
            return
    raise AssertionError(f"never reached by keyboard: {test_js}")


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


# -------------------------------------------------------------------------------------- accessibility


@pytest.mark.parametrize("size", [DESKTOP, PHONE, KIOSK], ids=["desktop", "phone", "kiosk"])
def test_no_axe_violations_in_any_state(
    size: tuple[int, int], server: str, kiosk_server: str, open_page: Callable[..., Any]
):
    page = open_page(kiosk_server if size == KIOSK else server, size)
    found = {"empty": axe_violations(page)}
    answer = ask(page, "What is alphamab?")
    found["answer"] = axe_violations(page)
    answer.locator(".bot-marker").first.click()
    assert answer.locator("details.bot-source").first.evaluate("d => d.open")
    found["opened source"] = axe_violations(page)
    ask(page, "What are its side effects?")
    found["follow-up"] = axe_violations(page)
    abstention = ask(page, "What is the capital of Peru?")
    assert abstention.locator(".bot-abstain").is_visible()
    found["abstention"] = axe_violations(page)
    assert not any(found.values()), found


def test_messages_are_named_by_their_text_and_the_box_by_its_label(server: str, open_page: Callable[..., Any]):
    page = open_page(server)
    assert page.get_by_label("Your question").first.evaluate("e => e.tagName") == "TEXTAREA"
    ask(page, "What is alphamab?")
    names = page.locator("#chat [data-testid='user'], #chat [data-testid='bot']").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert names[0] == "Your question: What is alphamab?"
    assert names[1].startswith(f"Answer: “{QUOTE}” [1]")
    assert not any("<" in n or "&#" in n for n in names)


# ----------------------------------------------------------------------------------------- behaviour


def test_sources_markers_feedback_follow_up_and_new_conversation(
    server: str, open_page: Callable[..., Any], fake_engine: Any, feedback_dir: Path
):
    page = open_page(server)
    searching: list[bool] = []
    page.expose_function("sawSearching", lambda: searching.append(True))
    page.evaluate(
        """() => new MutationObserver(() => { if (document.querySelector('#chat .bot-pending')) sawSearching(); })
              .observe(document.body, {subtree: true, childList: true})"""
    )
    answer = ask(page, "Which drugs are there?")
    assert searching, "the question must show at once, with a searching row, before its answer"
    assert page.locator("#chat .bot-pending").count() == 0

    # One entry per document, one row per quote, each labelled by its own words: they can be told apart.
    docs = answer.locator(".bot-doc")
    assert docs.count() == 1 and "Fixture drugs — dated 2024-01-15" in docs.first.inner_text()
    labels = answer.locator("details.bot-source summary").all_inner_texts()
    assert len(labels) == 4 and len(set(labels)) == 4 and "“Betacel”" in labels[2]
    assert "characters" not in answer.inner_text()  # no offsets on the page

    # [3] opens source 3, whose quote is highlighted in its paragraph.
    third = answer.locator("details.bot-source").nth(2)
    assert not third.locator("mark").is_visible()
    answer.locator(".bot-marker").nth(2).click()
    assert third.evaluate("d => d.open") and third.locator("mark").inner_text() == "Betacel"
    assert "Gammastat" in third.locator(".bot-passage").inner_text()
    assert not answer.locator("details.bot-source").nth(1).evaluate("d => d.open")

    page.locator("#chat").get_by_role("button", name="Like", exact=True).last.click()
    rows = wait_for_rows(feedback_dir / "feedback.jsonl", 1)
    assert rows[-1]["verdict"] == "up" and rows[-1]["question"] == "Which drugs are there?"

    follow = ask(page, "What is alphamab?")
    follow = ask(page, "What are its side effects?")
    searched = follow.locator(".bot-searched")
    assert searched.is_visible() and searched.inner_text() == "Searched for: What are alphamab side effects?"
    assert "Confidence" in follow.inner_text()  # desktop keeps it

    page.locator("#new-conversation").click()
    page.locator("#chat .bot-answer").first.wait_for(state="detached")
    page.wait_for_function(f"() => document.activeElement === document.querySelector('{BOX}')")
    fresh = ask(page, "What are its side effects?")
    assert page.locator("#chat .bot-answer").count() == 1
    # Not the last conversation's follow-up ("What are alphamab side effects?"): asked as written. (The
    # fixture's main text, the glossary's home, answers it with its side effects, which name alphamab.)
    assert "Searched for" not in fresh.inner_text() and not fresh.locator(".bot-searched").count()


def test_keyboard_only(server: str, open_page: Callable[..., Any], feedback_dir: Path):
    page = open_page(server)
    tab_to(page, f"e => e === document.querySelector('{BOX}')")
    # (a question one sentence answers: tabbing back from the box reaches its only marker)
    answer = ask(page, "What does alphamab target?", keyboard=True)
    tab_to(page, "e => e.classList.contains('bot-marker')", backwards=True)
    page.keyboard.press("Enter")
    source = answer.locator("details.bot-source").first
    assert source.evaluate("d => d.open") and source.locator("mark").inner_text() == QUOTE
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"  # focus follows to the source
    page.keyboard.press("Enter")  # a summary toggles with Enter
    assert not source.evaluate("d => d.open")

    before = len(wait_for_rows(feedback_dir / "feedback.jsonl", 0))
    tab_to(page, "e => e.getAttribute('aria-label') === 'Dislike'")
    page.keyboard.press("Enter")
    rows = wait_for_rows(feedback_dir / "feedback.jsonl", before + 1)
    assert rows[-1]["verdict"] == "down" and rows[-1]["question"] == "What does alphamab target?"

    tab_to(page, "e => e.id === 'new-conversation'")
    page.keyboard.press("Enter")
    page.locator("#chat .bot-answer").first.wait_for(state="detached")
    page.wait_for_function(f"() => document.activeElement === document.querySelector('{BOX}')")
    answer = ask(page, "What is betacel?", keyboard=True)  # typing goes straight into the box
    assert "Betacel" in answer.inner_text()


def test_phone_layout(server: str, open_page: Callable[..., Any]):
    page = open_page(server, PHONE)
    page.wait_for_timeout(300)
    assert page.evaluate("scrollY") == 0  # nothing scrolls the page on load (no autofocus)
    assert in_view(page, "#bot-title h1")
    disclaimer = page.locator("#bot-disclaimer")
    assert in_view(page, "#bot-disclaimer") and "dated 2024-01-15" in disclaimer.inner_text()
    assert disclaimer.bounding_box()["y"] + disclaimer.bounding_box()["height"] <= PHONE[1]
    assert page.locator("#chat [data-testid='block-label']").count() == 0  # no floating label over the chat
    shot(page, "fake-phone-load.png", full_page=False)

    ask(page, "Which drugs are there?")
    ask(page, "What is alphamab?")
    ask(page, "What is betacel?")
    newest = "#chat .message-row:has(.bot-question) >> nth=-1"
    assert in_view(page, newest), (page.locator(newest).bounding_box(), page.evaluate("scrollY"))
    chat = page.locator("#chat")
    # The chat grows with the page: the page scrolls, never a box inside it.
    assert chat.evaluate("e => e.scrollHeight <= e.clientHeight + 1")
    assert page.evaluate("document.documentElement.scrollHeight > innerHeight")
    shot(page, "fake-phone-answer.png", full_page=False)


def test_a_long_paste_says_what_was_kept(server: str, open_page: Callable[..., Any], fake_engine: Any):
    page = open_page(server)
    box = page.locator(BOX)
    limit = fake_engine.settings.max_question_chars
    assert box.get_attribute("maxlength") == str(limit)  # the box holds what the server answers
    note = page.locator("#bot-paste-note .bot-paste-text")
    assert not note.is_visible()
    box.focus()
    box.evaluate(
        """(e, text) => { const dt = new DataTransfer(); dt.setData('text/plain', text);
                          e.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true})); }""",
        "word " * 1000,
    )
    # The note is shown by the page's paste handler: wait for it rather than read it at once (a loaded
    # machine may run the handler a moment later).
    note.wait_for(state="visible", timeout=5000)
    assert f"cut to the first {limit} characters" in note.inner_text()
    assert "*" not in note.inner_text()


def test_abstention_is_a_distinct_notice_with_nearest_passages(server: str, open_page: Callable[..., Any]):
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


def test_kiosk_targets_type_lines_and_idle_reset(kiosk_server: str, open_page: Callable[..., Any]):
    page = open_page(kiosk_server, KIOSK)
    size = page.locator(BOX).evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 20
    assert page.locator("footer a").count() == 0  # nothing to navigate away to
    answer = ask(page, "Which drugs are there?")
    answer.locator(".bot-marker").first.click()
    assert "Betacel" in answer.inner_text() and "Confidence" not in answer.inner_text()

    small = page.evaluate(
        """() => [...document.querySelectorAll('button, summary, a[href], textarea, input')]
            .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
            .map(e => { const r = e.getBoundingClientRect();
                        return [e.className || e.tagName, e.innerText.slice(0, 20), r.width, r.height]; })
            .filter(t => t[2] < 44 || t[3] < 44)"""
    )
    assert not small, f"targets under 44 px: {small}"
    # Lines of at most ~80 characters: the answer's width over the width of one average character.
    chars = answer.locator(".bot-quote").first.evaluate(
        """e => { const s = document.createElement('span'); s.textContent = 'abcdefghijklmnopqrstuvwxyz';
                  e.appendChild(s); const w = s.getBoundingClientRect().width / 26; s.remove();
                  return e.getBoundingClientRect().width / w; }"""
    )
    assert chars <= 85, chars
    font = "e => parseFloat(getComputedStyle(e).fontSize)"
    assert page.locator("#bot-disclaimer p").first.evaluate(font) >= answer.locator(".bot-quote").first.evaluate(font)
    shot(page, "fake-kiosk.png")

    started = time.monotonic()
    answer.wait_for(state="detached", timeout=20_000)  # idle 2.5 s, checked every 0.6 s
    assert time.monotonic() - started >= 1.0
    assert page.locator("#chat .bot-question").count() == 0


# ------------------------------------------------------------------------------ README screenshots


@pytest.mark.model
def test_screenshots_with_the_real_model(real_engine: Any, open_page: Callable[..., Any], tmp_path: Path):
    """The README's screenshots: the project's own corpus and model, at desktop, phone and kiosk sizes."""
    from bot.app import build_app

    demo = build_app(real_engine, feedback_dir=tmp_path / "fb")
    kiosk = build_app(real_engine, kiosk=True, feedback_dir=tmp_path / "fb")
    try:
        url, kiosk_url = launch(demo), launch(kiosk)
        page = open_page(url, DESKTOP)
        answer = ask(page, "Which immunotherapies are available for relapsed ALL?")
        assert answer.locator(".bot-marker").count() >= 2
        answer.locator(".bot-marker").nth(1).click()
        assert answer.locator("mark").nth(1).is_visible()
        assert not axe_violations(page)
        shot(page, "answer.png")

        page = open_page(url, DESKTOP)
        answer = ask(page, "How many mg of blinatumomab are given?")
        assert answer.locator(".bot-abstain").is_visible()
        related = answer.locator("details.bot-source")
        assert related.count() >= 1
        related.first.locator("summary").click()
        assert not axe_violations(page)
        shot(page, "abstention.png")

        page = open_page(url, PHONE)
        page.wait_for_timeout(300)
        assert in_view(page, "#bot-disclaimer")
        shot(page, "phone.png", full_page=False)
        ask(page, "Tell me what blinatumomab is.")
        shot(page, "phone-answer.png", full_page=False)

        # Issue 12's answer forms as a reader meets them: an overview, a filtered list, a state the text
        # never discusses.
        page = open_page(url, DESKTOP)
        answer = ask(page, "What are the treatment options for relapsed ALL?")
        assert answer.locator("li").count() >= 4
        assert not axe_violations(page)
        shot(page, "overview.png")

        page = open_page(url, DESKTOP)
        answer = ask(page, "Which older agents are for T-cell ALL?")
        assert "only this one fits T-cell" in answer.inner_text()
        assert not axe_violations(page)
        shot(page, "filtered-list.png")

        # One sentence answers; what else the text says nearly as closely follows apart.
        page = open_page(url, PHONE)
        answer = ask(page, "How does blinatumomab work?")
        assert answer.locator(".bot-related li").count() >= 1 and "Related passages" in answer.inner_text()
        assert not axe_violations(page)
        shot(page, "phone-related.png", full_page=False)

        page = open_page(url, DESKTOP)
        answer = ask(page, "Can I take blinatumomab while pregnant?")
        assert "does not discuss pregnancy" in answer.inner_text()
        assert not axe_violations(page)
        shot(page, "not-discussed.png")

        page = open_page(kiosk_url, KIOSK)
        ask(page, "What are the side effects of inotuzumab?")
        assert not axe_violations(page)
        shot(page, "kiosk.png", full_page=False)
    finally:
        demo.close()
        kiosk.close()
