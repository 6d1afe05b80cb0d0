"""The Gradio page: lays out the chat and wires its events to a ChatController. No behaviour of its own.

    demo = build_app(engine)        # a gr.Blocks; tests launch it on a free loopback port
    serve(kiosk=True)               # `bot serve --kiosk`: loads the engine once, then serves

Nothing is fetched from the internet (system fonts, no analytics, no share link); the page's CSS and
script ship in the package (bot/static/).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from bot.offline import configure

configure()  # before gradio is imported: it reads its analytics setting at import

import gradio as gr  # noqa: E402

from bot.settings import Settings  # noqa: E402
from bot.web.controller import ChatController, Conversation  # noqa: E402
from bot.web.render import esc  # noqa: E402
from bot.web.site import Site, load_site  # noqa: E402

STATIC = Path(__file__).resolve().parent.parent / "static"
SYSTEM_FONTS = [
    "system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "Liberation Sans", "DejaVu Sans",
    "Helvetica Neue", "Arial", "sans-serif",
]
MONO_FONTS = ["ui-monospace", "DejaVu Sans Mono", "Liberation Mono", "Menlo", "Consolas", "monospace"]

# Run in the browser after events (Gradio applies outputs first; the frame delay lets it paint them).
FOCUS_BOX_JS = "() => { setTimeout(() => document.querySelector('#question textarea')?.focus(), 50); }"
SHOW_NEWEST_JS = """() => { setTimeout(() => {
  const rows = document.querySelectorAll('#chat .bot-question');
  const last = rows[rows.length - 1];
  const row = last && (last.closest('.message-row') || last);
  if (row) row.scrollIntoView({ block: 'start', behavior: 'instant' });
}, 60); }"""


def static_text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


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


def theme(kiosk: bool = False) -> gr.themes.Base:
    """The default theme with system fonts only (no web fonts are fetched) and AA-contrast colours."""
    base = gr.themes.Default(
        primary_hue="blue",
        font=SYSTEM_FONTS,
        font_mono=MONO_FONTS,
        text_size=gr.themes.sizes.text_lg if kiosk else gr.themes.sizes.text_md,
    )
    return base.set(
        button_primary_background_fill="#1d4ed8",
        button_primary_background_fill_hover="#1e40af",
        button_primary_text_color="#ffffff",
        button_primary_background_fill_dark="#1d4ed8",
        button_primary_background_fill_hover_dark="#1e40af",
        body_text_color_subdued="#4b5563",
        body_text_color_subdued_dark="#d1d5db",
        input_placeholder_color="#4b5563",
        input_placeholder_color_dark="#d1d5db",
        block_label_text_color="#374151",
        block_label_text_color_dark="#e5e7eb",
        block_info_text_color="#4b5563",
        block_info_text_color_dark="#d1d5db",
        color_accent="#1d4ed8",
        color_accent_soft="#dbeafe",
    )


class ChatBlocks(gr.Blocks):
    """gr.Blocks whose launch() applies the app's safe defaults (theme, CSS, no share link, no history)."""

    launch_defaults: dict[str, Any]
    controller: ChatController

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
    site: Site | None = None,
) -> ChatBlocks:
    """The chat app for ``engine``. Launch it with ``.launch(server_name=..., server_port=...)``."""
    settings = settings or engine.settings or Settings()
    chat = ChatController(engine, settings=settings, kiosk=kiosk, feedback_dir=feedback_dir, idle_seconds=idle_seconds)
    site = site or load_site(settings.corpus, engine.glossary)
    limit = chat.limit

    def show(message: str | None, conv: Conversation | None) -> tuple[Any, Any, Any]:
        shown = chat.show(message, conv)
        if shown is None:
            return gr.skip(), gr.skip(), gr.skip()
        return "", list(shown.history), shown

    def answer(conv: Conversation | None) -> tuple[Any, Any]:
        done = chat.answer(conv)
        if done is None:
            return gr.skip(), gr.skip()
        return list(done.history), done

    def respond(message: str | None, conv: Conversation | None) -> tuple[Any, Any, Any]:
        done = chat.respond(message, conv)
        if done is None:
            return gr.skip(), gr.skip(), gr.skip()
        return "", list(done.history), done

    def new_conversation() -> tuple[Any, Any, Any]:
        chat.end()
        return "", [], None

    def idle_check(conv: Conversation | None, shown: list[Any] | None) -> tuple[Any, Any, Any]:
        if chat.idle_reset(conv, shown):
            return "", [], None
        return gr.skip(), gr.skip(), gr.skip()

    def on_like(conv: Conversation | None, data: gr.LikeData) -> None:
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        chat.feedback(conv, int(index), data.liked)

    def ask(question: str) -> dict[str, Any]:
        """Answer one question on its own (no conversation) and return the Answer as JSON."""
        return chat.ask_json(question)

    with ChatBlocks(title=site.title, analytics_enabled=False) as demo:
        # Dropped some time after the idle reset, so the timer (not the clean-up) decides when a chat ends.
        state = gr.State(None, time_to_live=chat.idle * 2 + 30 if kiosk else None)
        gr.Markdown(f"# {esc(site.title)}", elem_id="bot-title")
        notice = (esc(site.description) + "\n\n" if site.description else "") + disclaimer_text(
            list(engine.data.documents)
        )
        if kiosk:
            idle = chat.idle
            span = f"{round(idle / 60)} minutes" if idle >= 120 else f"{round(idle)} seconds"
            notice += f" The conversation is cleared after {span} without use, and by “New conversation”."
        gr.Markdown(notice, elem_id="bot-disclaimer")
        chatbot = gr.Chatbot(
            label="Conversation",
            show_label=False,
            elem_id="chat",
            autoscroll=False,  # the page scrolls to the newest question instead (SHOW_NEWEST_JS)
            buttons=[],
            sanitize_html=True,
            render_markdown=True,
            allow_tags=False,
            latex_delimiters=[],
            feedback_options=("Like", "Dislike"),
            layout="panel",
            placeholder="Answers are quotes from the text, with their sources.",
        )
        examples = site.examples[0] if site.examples else "What is …?"
        msg = gr.Textbox(
            label="Your question",
            show_label=True,
            placeholder=f"For example: {examples}",
            elem_id="question",
            max_length=limit,  # the server's own limit: what the box holds is what is asked
            lines=1,
            autofocus=False,  # focusing would scroll a phone past the title and the disclaimer
            submit_btn=False,
        )
        gr.HTML(
            '<p class="bot-paste-text" role="status" aria-live="polite"></p>', elem_id="bot-paste-note",
            js_on_load=None, apply_default_css=False,
        )
        with gr.Row(elem_id="bot-actions"):
            send = gr.Button("Ask", variant="primary", elem_id="ask", scale=1)
            new = gr.Button("New conversation", variant="secondary", elem_id="new-conversation", scale=1)
        example_buttons = []
        if site.examples:
            with gr.Row(elem_id="bot-examples"):
                gr.Markdown("Examples:", elem_classes=["bot-examples-label"])
                example_buttons = [gr.Button(q, size="sm", elem_classes=["bot-example"]) for q in site.examples]
        # The /chat API answers in one step; the page shows the question first (show, then answer).
        api_chat = gr.Button("chat", visible=False)

        outputs = [msg, chatbot, state]
        for trigger, source in [(msg.submit, msg), (send.click, msg)] + [(b.click, b) for b in example_buttons]:
            # No progress overlay: the "searching" row in the chat is the sign of work.
            trigger(show, [source, state], outputs, api_visibility="private", queue=False, show_progress="hidden").then(
                None, js=SHOW_NEWEST_JS
            ).then(answer, [state], [chatbot, state], api_visibility="private", show_progress="hidden").then(
                None, js=SHOW_NEWEST_JS
            )
        api_chat.click(respond, [msg, state], outputs, api_name="chat")
        new.click(new_conversation, None, outputs, api_name="new_conversation", queue=False).then(
            None, js=FOCUS_BOX_JS
        )
        chatbot.like(on_like, [state], None, api_visibility="private", queue=False)
        if kiosk:
            timer = gr.Timer(value=max(0.5, min(5.0, chat.idle / 4)), active=True)
            timer.tick(
                idle_check, [state, chatbot], outputs, api_visibility="private", show_progress="hidden", queue=False
            )
        gr.api(ask, api_name="ask")

    demo.controller = chat
    demo.launch_defaults = {
        "theme": theme(kiosk),
        "css": static_text("chat.css") + (static_text("kiosk.css") if kiosk else ""),
        "js": static_text("chat.js"),
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
            str(Path(p).resolve()) for p in (settings.corpus, settings.index, chat.store.folder)
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
