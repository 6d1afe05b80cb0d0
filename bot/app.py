"""The web chat (Gradio): quoted answers with expandable sources, feedback, a JSON API and a kiosk mode.

    demo = build_app(engine)                 # a gr.Blocks; tests launch it on a free loopback port
    serve(kiosk=True)                        # `bot serve --kiosk`: loads the engine once, then serves

Everything shown in the page that comes from a user or from the corpus is escaped: questions and
passages are text, never HTML or markdown. Nothing is fetched from the internet (system fonts, no
analytics, no share link), and feedback stays in a local file.
"""

import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import gradio as gr  # noqa: E402 - the environment above must be set before gradio is imported

from bot.feedback import FeedbackStore, verdict_of  # noqa: E402
from bot.models import Answer, Citation  # noqa: E402
from bot.settings import Settings  # noqa: E402

SYSTEM_FONTS = [
    "system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "Liberation Sans", "DejaVu Sans",
    "Helvetica Neue", "Arial", "sans-serif",
]
MONO_FONTS = ["ui-monospace", "DejaVu Sans Mono", "Liberation Mono", "Menlo", "Consolas", "monospace"]

# (question, a word the corpus must contain for the example to be offered)
DEFAULT_EXAMPLES = [
    ("Tell me what blinatumomab is.", "blinatumomab"),
    ("What are the side effects of inotuzumab?", "inotuzumab"),
    ("Which immunotherapies are available for relapsed ALL?", "immunotherap"),
    ("What is the treatment for CNS relapse?", "CNS relapse"),
]

CSS = """
.bot-answer, .bot-question { line-height: 1.5; }
.bot-searched { color: var(--body-text-color-subdued); font-style: italic; margin: 0 0 .4em 0; }
.bot-abstain { border-left: 4px solid #b45309; background: #fef3c7; color: #451a03; padding: .5em .8em;
  border-radius: 4px; margin: 0 0 .5em 0; }
.bot-abstain-title { font-weight: 700; display: block; }
.bot-marker { font-weight: 700; color: var(--color-accent); white-space: nowrap; }
.bot-meta { color: var(--body-text-color-subdued); font-size: .85em; margin: .3em 0; }
.bot-sources { border-top: 1px solid var(--border-color-primary); margin-top: .6em; padding-top: .3em; }
.bot-sources-title { font-weight: 700; margin: .2em 0; }
.bot-source summary { cursor: pointer; }
.bot-passage { margin: .4em 0 .4em .6em; padding-left: .6em; border-left: 3px solid var(--border-color-primary);
  white-space: normal; }
.bot-passage mark { background: #fde68a; color: #1f2937; padding: 0 .1em; }
.bot-table { border-collapse: collapse; }
.bot-table td, .bot-table th { border: 1px solid var(--border-color-primary); padding: .3em .5em; vertical-align: top; }
#bot-disclaimer { font-size: .9em; }
#bot-examples { align-items: center; }
#bot-examples .bot-examples-label { flex: 0 0 auto !important; min-width: 0 !important; width: auto !important; }
"""

KIOSK_CSS = """
.gradio-container { font-size: 1.3rem !important; }
#chat .message, #chat .message * { font-size: 1.25rem !important; }
#question textarea { font-size: 1.3rem !important; }
#bot-disclaimer { font-size: 1.05rem; }
button { font-size: 1.15rem !important; }
"""

# html.escape plus the characters markdown (and LaTeX) give meaning to, as numeric entities: text
# escaped this way renders as itself whether or not the renderer parses markdown.
_ESCAPES = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
    **{c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-!|~$:=^%"},
}
_TABLE = str.maketrans(_ESCAPES)
MARKER = re.compile(r"\[(\d{1,3})\]")


def esc(text: object) -> str:
    """Text for HTML (body or attribute) that no markdown or HTML parser can turn into markup."""
    s = str(text).replace("\r\n", "\n").replace("\r", "\n").translate(_TABLE)
    return s.replace("\n", "<br>")  # no raw newline: the whole message stays one HTML block


def esc_inline(text: str) -> str:
    """Escaped text with citation markers [n] styled."""
    parts = MARKER.split(text)
    out = []
    for i, part in enumerate(parts):
        out.append(f'<span class="bot-marker">&#91;{part}&#93;</span>' if i % 2 else esc(part))
    return "".join(out)


def _cells(line: str) -> list[str]:
    body = line.strip().strip("|")
    return [c.replace("\\|", "|").strip() for c in re.split(r"(?<!\\)\|", body)]


def body_html(markdown: str) -> str:
    """The composer's small markdown (paragraphs, '- ' lists, tables, *notes*) as escaped HTML."""
    out = []
    for block in re.split(r"\n\s*\n", markdown.strip()):
        lines = [ln for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        if all(ln.lstrip().startswith("- ") for ln in lines):
            items = "".join(f"<li>{esc_inline(ln.lstrip()[2:])}</li>" for ln in lines)
            out.append(f"<ul>{items}</ul>")
        elif len(lines) >= 2 and lines[0].lstrip().startswith("|") and re.fullmatch(r"[\s|:-]+", lines[1]):
            head = "".join(f"<th>{esc_inline(c)}</th>" for c in _cells(lines[0]))
            rows = "".join(
                "<tr>" + "".join(f"<td>{esc_inline(c)}</td>" for c in _cells(ln)) + "</tr>" for ln in lines[2:]
            )
            out.append(f'<table class="bot-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')
        elif len(lines) == 1 and len(lines[0]) > 2 and lines[0].startswith("*") and lines[0].endswith("*"):
            out.append(f'<p class="bot-meta"><em>{esc_inline(lines[0][1:-1])}</em></p>')
        else:
            out.append("<p>" + "<br>".join(esc_inline(ln) for ln in lines) + "</p>")
    return "".join(out)


def _esc_passage(text: str) -> str:
    return esc(re.sub(r"\n\s*\n+", "\n", text))  # a list's blank lines as single line breaks


def passage_html(c: Citation) -> str:
    """The passage around a quote, the quoted sentence highlighted."""
    context = c.context or c.quote
    off = c.start - c.context_start
    if not (off >= 0 and context[off : off + len(c.quote)] == c.quote):
        off = context.find(c.quote) if c.quote else -1
    if off < 0 or not c.quote:
        return f'<blockquote class="bot-passage">{_esc_passage(context)}</blockquote>'
    end = off + len(c.quote)
    return (
        f'<blockquote class="bot-passage">{_esc_passage(context[:off])}<mark>{_esc_passage(c.quote)}</mark>'
        f"{_esc_passage(context[end:])}</blockquote>"
    )


def source_html(c: Citation, label: str) -> str:
    title = c.title or c.doc_id
    date = f" — dated {esc(c.date)}" if c.date else ""
    where = f"{esc(c.doc_id)}, characters {c.start}–{c.end}"
    if c.url:
        where += f", {esc(c.url)}"
    return (
        f'<details class="bot-source"><summary>{label} {esc(title)}{date}</summary>'
        f'{passage_html(c)}<p class="bot-meta">{where}</p></details>'
    )


def _answer_blocks(answer: Answer) -> str:
    """answer.answer without the parts shown separately: 'Searched for', 'Sources:' and related passages."""
    keep = []
    for block in re.split(r"\n\s*\n", answer.answer.strip()):
        b = block.strip()
        if b.startswith("*Searched for:") or b.startswith("Sources:"):
            continue
        if answer.related and b.startswith("Nearest passages in the text"):
            continue
        keep.append(block)
    return "\n\n".join(keep)


def answer_html(answer: Answer) -> str:
    """One assistant message: answer text, then each cited source expandable to its passage."""
    parts = ['<div class="bot-answer">']
    if answer.searched_for:
        parts.append(f'<p class="bot-searched">Searched for: {esc(answer.searched_for)}</p>')
    body = _answer_blocks(answer)
    if answer.abstained:
        first, _, rest = body.partition("\n\n")
        parts.append(
            '<div class="bot-abstain" role="note"><span class="bot-abstain-title">Not answered by the text</span>'
            f"{esc(first.strip())}</div>"
        )
        if rest.strip():
            parts.append(body_html(rest))
    else:
        parts.append(body_html(body))
    if answer.citations:
        parts.append('<div class="bot-sources"><p class="bot-sources-title">Sources</p>')
        parts.extend(source_html(c, f"&#91;{c.marker}&#93;") for c in answer.citations)
        parts.append(f'<p class="bot-meta">Confidence {answer.confidence:.2f}</p></div>')
    if answer.related:
        parts.append(
            '<div class="bot-sources"><p class="bot-sources-title">Nearest passages in the text '
            "(they may not answer the question)</p>"
        )
        parts.extend(source_html(c, "·") for c in answer.related)
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def question_html(question: str, limit: int) -> str:
    shown = question if len(question) <= limit else question[:limit] + "…"
    return f'<div class="bot-question">{esc(shown)}</div>'


def disclaimer_text(documents: list[Any]) -> str:
    """Markdown: what this is (a reference to a dated text), and what it is not (medical advice)."""
    if len(documents) <= 3:
        names = "; ".join(
            f"“{esc(d.title or d.id)}”" + (f" (dated {esc(d.date)})" if d.date else " (undated)") for d in documents
        )
    else:
        dates = sorted(d.date for d in documents if d.date)
        span = f", dated {esc(dates[0])} to {esc(dates[-1])}" if dates else ""
        names = f"{len(documents)} documents{span}"
    return (
        f"**Educational reference to the text {names}.** Every answer is a verbatim quote from it, with its "
        "source. This is not medical advice: it may be out of date or incomplete and knows nothing about any "
        "patient. Ask a qualified clinician about diagnosis or treatment."
    )


def example_questions(engine: Any, examples: list[str] | None) -> list[str]:
    if examples is not None:
        return examples
    text = " ".join(d.text for d in engine.data.documents).lower()
    chosen = [q for q, word in DEFAULT_EXAMPLES if word.lower() in text]
    if not chosen:
        terms = [e.term for e in getattr(engine.glossary, "entries", [])][:3]
        chosen = [f"What is {t}?" for t in terms]
    return chosen


def theme(kiosk: bool = False) -> gr.themes.Base:
    """The default theme with system fonts only (no web fonts are fetched)."""
    return gr.themes.Default(
        font=SYSTEM_FONTS,
        font_mono=MONO_FONTS,
        text_size=gr.themes.sizes.text_lg if kiosk else gr.themes.sizes.text_md,
    )


@dataclass
class Conversation:
    """One browser session's conversation. Never shared: each gr.State holds its own."""

    session: Any
    history: list[dict[str, str]] = field(default_factory=list)
    records: dict[int, tuple[str, Answer]] = field(default_factory=dict)  # message index -> (question, answer)
    last_active: float = field(default_factory=time.monotonic)


class ChatBlocks(gr.Blocks):
    """gr.Blocks whose launch() applies the app's safe defaults (theme, CSS, no share link, no history)."""

    launch_defaults: dict[str, Any]

    def launch(self, *args: Any, **kwargs: Any) -> Any:
        for key, value in self.launch_defaults.items():
            kwargs.setdefault(key, value)
        if kwargs.get("share"):
            raise ValueError("share links are disabled: this app serves only the local network")
        return super().launch(*args, **kwargs)


def build_app(
    engine: Any,
    kiosk: bool = False,
    *,
    settings: Settings | None = None,
    feedback_dir: str | Path | None = None,
    idle_seconds: float | None = None,
    examples: list[str] | None = None,
    title: str = "Relapsed ALL reference",
) -> ChatBlocks:
    """The chat app for ``engine``. Launch it with ``.launch(server_name=..., server_port=...)``."""
    settings = settings or engine.settings or Settings()
    store = FeedbackStore(feedback_dir if feedback_dir is not None else settings.feedback_dir)
    idle = float(idle_seconds if idle_seconds is not None else settings.kiosk_idle_seconds)
    limit = settings.max_question_chars
    documents = list(engine.data.documents)
    questions = example_questions(engine, examples)

    def fresh() -> Conversation:
        return Conversation(engine.session())

    def expired(conv: Conversation | None) -> bool:
        return kiosk and conv is not None and time.monotonic() - conv.last_active >= idle

    def respond(message: str | None, conv: Conversation | None) -> tuple[Any, Any, Any]:
        text = "" if message is None else str(message)
        if not text.strip():
            return gr.skip(), gr.skip(), gr.skip()
        if conv is None or expired(conv):  # a kiosk's next visitor never continues the last one's chat
            conv = fresh()
        try:
            answer = conv.session.ask(text)
            shown = answer_html(answer)
        except Exception as exc:  # noqa: BLE001 - the page must survive any input
            print(f"error answering a question: {type(exc).__name__}: {exc}", file=sys.stderr)
            answer = Answer(answer="Something went wrong answering that; please ask again.", abstained=True,
                            confidence=0.0, question=text[:limit])
            shown = answer_html(answer)
        conv.history.append({"role": "user", "content": question_html(text, limit)})
        conv.history.append({"role": "assistant", "content": shown})
        conv.records[len(conv.history) - 1] = (text[:limit], answer)
        conv.last_active = time.monotonic()
        return "", list(conv.history), conv

    def new_conversation() -> tuple[Any, Any, Any]:
        return "", [], None

    def idle_check(conv: Conversation | None, shown: list[Any] | None) -> tuple[Any, Any, Any]:
        # An expired conversation, or one whose state Gradio already dropped while the page still shows it.
        if expired(conv) or (conv is None and shown):
            return "", [], None
        return gr.skip(), gr.skip(), gr.skip()

    def on_like(conv: Conversation | None, data: gr.LikeData) -> None:
        if conv is None:
            return
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        record = conv.records.get(int(index))
        if record is None:
            return
        question, answer = record
        store.record(question, answer, verdict_of(data.liked), message_index=int(index))
        conv.last_active = time.monotonic()

    def ask(question: str) -> dict[str, Any]:
        """Answer one question on its own (no conversation) and return the Answer as JSON."""
        return engine.session().ask(question).model_dump(mode="json")

    with ChatBlocks(title=title, analytics_enabled=False, fill_width=kiosk) as demo:
        # Dropped some time after the idle reset, so the timer (not the clean-up) decides when a chat ends.
        state = gr.State(None, time_to_live=idle * 2 + 30 if kiosk else None)
        gr.Markdown(f"# {esc(title)}")
        notice = disclaimer_text(documents)
        if kiosk:
            span = f"{round(idle / 60)} minutes" if idle >= 120 else f"{round(idle)} seconds"
            notice += f" The conversation is cleared after {span} without use, and by “New conversation”."
        gr.Markdown(notice, elem_id="bot-disclaimer")
        chatbot = gr.Chatbot(
            label="Conversation",
            elem_id="chat",
            height="70vh" if kiosk else 560,
            buttons=[],
            sanitize_html=True,
            render_markdown=True,
            allow_tags=False,
            latex_delimiters=[],
            feedback_options=("Like", "Dislike"),
            layout="panel",
            placeholder="Ask a question about the text. Answers are quotes from it, with their sources.",
        )
        with gr.Row():
            msg = gr.Textbox(
                show_label=False,
                placeholder="Type a question, e.g. " + (questions[0] if questions else "What is …?"),
                elem_id="question",
                scale=5,
                max_length=limit * 4,
                autofocus=True,
                submit_btn=False,
            )
            send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
            new = gr.Button("New conversation", variant="secondary", scale=1, elem_id="new-conversation")
        with gr.Row(elem_id="bot-examples"):
            gr.Markdown("Examples:", elem_classes=["bot-examples-label"])
            example_buttons = [gr.Button(q, size="sm", elem_classes=["bot-example"]) for q in questions]

        outputs = [msg, chatbot, state]
        msg.submit(respond, [msg, state], outputs, api_name="chat", show_progress="minimal")
        send.click(respond, [msg, state], outputs, api_visibility="private", show_progress="minimal")
        for button in example_buttons:
            button.click(respond, [button, state], outputs, api_visibility="private", show_progress="minimal")
        new.click(new_conversation, None, outputs, api_name="new_conversation", queue=False)
        chatbot.clear(new_conversation, None, outputs, api_visibility="private", queue=False)
        chatbot.like(on_like, [state], None, api_visibility="private", queue=False)
        if kiosk:
            timer = gr.Timer(value=max(0.5, min(5.0, idle / 4)), active=True)
            timer.tick(
                idle_check, [state, chatbot], outputs, api_visibility="private", show_progress="hidden", queue=False
            )
        gr.api(ask, api_name="ask")

    demo.launch_defaults = {
        "theme": theme(kiosk),
        "css": CSS + (KIOSK_CSS if kiosk else ""),
        "share": False,
        "server_name": settings.host,
        "footer_links": [] if kiosk else ["api"],
        "run_history": False,
        "enable_monitoring": False,
        "pwa": False,
        "ssr_mode": False,
        "mcp_server": False,
        "show_error": False,
        "max_file_size": "64kb",
        "blocked_paths": [
            str(Path(p).resolve()) for p in (settings.corpus, settings.index, store.folder)
        ],
    }
    demo.queue(default_concurrency_limit=settings.concurrency)
    return demo


def read_auth_file(path: str | Path) -> list[tuple[str, str]]:
    """``user:password`` lines (blank lines and ``#`` comments ignored) for the login page."""
    pairs = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user or not password:
            raise ValueError(f"{path}:{n}: expected 'user:password'")
        pairs.append((user, password))
    if not pairs:
        raise ValueError(f"{path}: no 'user:password' lines")
    return pairs


def serve(
    corpus: str | Path | None = None,
    index: str | Path | None = None,
    host: str | None = None,
    port: int | None = None,
    kiosk: bool = False,
    auth_file: str | Path | None = None,
    settings: Settings | None = None,
    workers: int | None = None,
) -> None:
    """Load the engine once (showing build progress if the index must be built) and serve the chat
    page and ``POST /api/ask`` (bot/api.py) on one port, in ``workers`` processes (bot/server.py)."""
    import bot
    from bot.server import run

    settings = settings or Settings()
    workers = settings.workers if workers is None else workers
    if workers < 1:
        raise ValueError(f"--workers must be at least 1, got {workers}")
    auth = read_auth_file(auth_file) if auth_file else None  # a bad file fails before the slow load
    engine = bot.load(corpus=corpus, index=index, settings=settings, progress=True)
    for problem in engine.problems:
        print(f"warning: skipped {problem}", file=sys.stderr)
    host = host or settings.host
    port = settings.port if port is None else port
    mode = " (kiosk mode)" if kiosk else ""
    procs = f", {workers} workers" if workers > 1 else ""

    def ready() -> None:
        print(f"Serving the chat on http://{host}:{port}/{mode}{procs}; press Ctrl+C to stop.", flush=True)

    run(engine, host, port, workers=workers, kiosk=kiosk, auth=auth, settings=engine.settings, ready=ready)
