"""Command line: ``bot index | search | ask | chat | serve``. Thin layer over the public API.

Domain errors become one clear line on stderr (exit 2); no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from typing import Any

from bot.offline import configure

configure()
# pydantic looks for plugins by reading every installed package's entry points when the first model
# class is made: a large share of a cold `bot ask`. The bot uses none; a user's setting still wins.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def _engine(args: argparse.Namespace, progress: bool = True) -> Any:
    import bot

    return bot.load(
        corpus=args.corpus, index=args.index, rebuild=not getattr(args, "no_rebuild", False), progress=progress
    )


def problem_files(problems: list[str]) -> dict[str, list[str]]:
    """Problems grouped by the file they name ("path, line 3: reason" or "path: reason")."""
    out: dict[str, list[str]] = {}
    for p in problems:
        where, _, reason = p.partition(": ")
        path, _, line = where.partition(", ")
        out.setdefault(path, []).append(f"{line}: {reason}" if line else reason)
    return out


def cmd_index(args: argparse.Namespace) -> int:
    from bot.chunking import Chunker
    from bot.embedding import make_embedder
    from bot.index_store import build_index
    from bot.settings import Settings, resolve_paths

    settings = Settings()
    corpus, index = resolve_paths(settings, args.corpus, args.index)
    report = build_index(
        corpus,
        index,
        make_embedder(settings),
        Chunker(settings.max_chunk_tokens, settings.chunk_overlap_sentences),
        progress=not args.json,
        force=args.force,
        hnsw_threshold=settings.hnsw_threshold,
        method=settings.vector_method,
    )
    for problem in report.problems:
        print(f"warning: skipped {problem}", file=sys.stderr)
    if args.json:
        out = report.as_dict()
        out["seconds"] = round(out["seconds"], 3)
        out["problems"] = len(report.problems)
        out["problem_files"] = problem_files(report.problems)
        print(json.dumps(out))
    else:
        state = "built" if report.rebuilt else "up to date"
        print(
            f"index {state}: {report.documents} documents, {report.chunks} chunks "
            f"({report.embedded} embedded, {report.reused} reused) in {report.seconds:.1f}s -> {index}"
        )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    engine = _engine(args)
    hits = engine.search(args.query, k=args.k)
    if args.json:
        print(json.dumps([h.model_dump(mode="json") for h in hits], ensure_ascii=False))
        return 0
    if not hits:
        print("no passages found")
    for n, h in enumerate(hits, 1):
        print(f"{n}. [{h.score:.3f}] {h.chunk_id}  {h.title}")
        print(f"   {h.text[:300]}{'...' if len(h.text) > 300 else ''}")
    return 0


def _print_answer(answer: Any) -> None:
    from bot.render_text import render

    print(render(answer))


def cmd_ask(args: argparse.Namespace) -> int:
    engine = _engine(args)
    answer = engine.session().ask(args.question)
    if args.json:
        print(answer.model_dump_json())
    else:
        _print_answer(answer)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    engine = _engine(args)
    session = engine.session()
    print("Ask about the text. Commands: /new starts a new conversation, /quit leaves.")
    while True:
        try:
            line = input("\n> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if line.strip() in ("/quit", "/exit"):
            return 0
        if line.strip() == "/new":
            session = engine.session()
            print("(new conversation)")
            continue
        _print_answer(session.ask(line))


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.app import serve

    serve(
        corpus=args.corpus, index=args.index, host=args.host, port=args.port, kiosk=args.kiosk,
        auth_file=args.auth_file, workers=args.workers,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="bot",
        description="Offline medical reference chatbot. Answers only from the documents in the corpus, "
        "quoting them verbatim with citations; says so when the text does not answer.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--corpus", default=None, help="corpus folder or .jsonl file (default: ./corpus)")
        sp.add_argument("--index", default=None, help="index folder (default: ./index)")

    sp = sub.add_parser("index", help="build or update the index (re-embeds only changed text)")
    common(sp)
    sp.add_argument("--force", action="store_true", help="rebuild even when the index is up to date")
    sp.add_argument("--json", action="store_true", help="print one JSON line: documents, chunks, embedded, ...")
    sp.set_defaults(func=cmd_index)

    sp = sub.add_parser("search", help="show the passages that best match a query")
    common(sp)
    sp.add_argument("query")
    sp.add_argument("-k", type=int, default=5, help="number of passages (default 5)")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--no-rebuild", action="store_true", help="refuse a stale index instead of rebuilding")
    sp.set_defaults(func=cmd_search)

    sp = sub.add_parser("ask", help="answer one question with quotes and citations")
    common(sp)
    sp.add_argument("question")
    sp.add_argument("--json", action="store_true", help="print the Answer as JSON")
    sp.add_argument("--no-rebuild", action="store_true", help="refuse a stale index instead of rebuilding")
    sp.set_defaults(func=cmd_ask)

    sp = sub.add_parser("chat", help="a conversation in the terminal (follow-up questions work)")
    common(sp)
    sp.set_defaults(func=cmd_chat)

    sp = sub.add_parser("serve", help="start the web chat (Gradio) on 127.0.0.1")
    common(sp)
    sp.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    sp.add_argument("--port", type=int, default=None, help="port (default 7860)")
    sp.add_argument("--kiosk", action="store_true", help="kiosk mode: large type, conversation resets when idle")
    sp.add_argument("--auth-file", default=None, help="file of 'user:password' lines for basic auth")
    sp.add_argument(
        "--workers", type=int, default=None,
        help="processes answering in parallel, sharing one loaded index (default 1; 2 on a 2-core machine)",
    )
    sp.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from bot.errors import BotError

    try:
        return int(args.func(args))
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`bot ask ... | head -1`): no traceback for that
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor at exit, flushing the rest
        return 1


def skip_plugin_lookup() -> None:
    """With pydantic's plugins off (PYDANTIC_DISABLE_PLUGINS, set above unless the user chose), pydantic still
    imports its plugin loader, and with it ``importlib.metadata`` (email, zipfile, csv: ~16 ms of a ~0.4 s
    cold answer), only for a lookup it then skips. Stands in the loader's one function, with the same
    result (no plugins), before pydantic is imported; plugins turned on are looked up as usual."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in ("__all__", "1", "true") or "pydantic" in sys.modules:
        return
    import types

    loader = types.ModuleType("pydantic.plugin._loader", "plugins off: none to load (bot.cli.skip_plugin_lookup)")
    loader.get_plugins = tuple  # type: ignore[attr-defined]  # get_plugins() -> (): what pydantic returns when off
    sys.modules[loader.__name__] = loader


# Commands that answer once and exit: they skip what only a long-lived process needs.
ONE_SHOT = ("ask", "search")


def run() -> None:
    """The ``bot`` command: ``main``, made quicker for the one-shot commands.

    ``bot ask`` lives under a second: the cyclic garbage collector, which ran again and again while
    the libraries imported (~10% of a cold answer), runs ~100x less often (still often enough for a
    build that a stale index triggers), and once the answer is printed the process ends without the
    interpreter's teardown: unloading numpy, faiss, onnxruntime and pydantic module by module took
    ~0.1 s, more than the answer itself. Output is flushed first; nothing else is pending (no files
    open, no threads to join).
    """
    argv = sys.argv[1:]
    one_shot = bool(argv) and argv[0] in ONE_SHOT
    if one_shot:
        gc.set_threshold(100_000, 10, 10)  # the default first threshold is 700 allocations
        # numpy's OpenBLAS starts a worker per core at import, which spins for ~50 ms of CPU on a core
        # that the answer's few small products never use (the same answers either way).
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        # One question: its session starts ~10 ms sooner without pre-packing weights for later passes.
        os.environ.setdefault("BOT_QUERY_PREPACK", "0")
        # One question: a second session to begin it on would cost more to start than it saves.
        os.environ.setdefault("BOT_QUERY_AHEAD", "0")
        skip_plugin_lookup()
    code = main(argv)
    if not one_shot:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: nothing more to say
        code = code or 1
    os._exit(code)


if __name__ == "__main__":
    run()
