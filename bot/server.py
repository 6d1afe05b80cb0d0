"""The HTTP server: the chat page and ``POST /api/ask`` on one port, in one or more worker processes.

    app = create_app(engine, kiosk=False, auth=None)   # FastAPI: /api/ask beside the mounted Gradio page
    run(engine, host, port, workers=2, ...)            # blocks until Ctrl+C or SIGTERM

With ``workers > 1`` the engine is loaded once, then the process forks: the workers share the loaded
index (arrays, vectors, documents) copy-on-write, so memory grows by each worker's own heap, not by
another copy of the index. The parent then replaces itself (exec, same pid) with a small front process
(bot/front.py, standard library only) on the public port that relays each connection to a worker on a
private loopback socket:

- ``/api/ask`` requests one by one: a question with a ``session`` goes to the worker whose tag
  (``w<n>-``) starts the id, a new conversation to the least busy worker;
- everything else (the page, its Gradio API, the login) stays on one worker per browser: the front
  sets a ``bot_worker`` cookie on the first reply and follows it afterwards, since a page's
  conversation state and login token live in that worker only.
"""

from __future__ import annotations

import contextlib
import gc
import os
import secrets
import signal
import socket
import sys
from collections.abc import Callable
from typing import Any

from bot.api import PATH as API_PATH
from bot.api import AskEndpoint, add_ask_route
from bot.front import COOKIE, Front, exec_front, run_loop, serve_front, stop_workers, workers_answer
from bot.settings import Settings

__all__ = ["COOKIE", "Front", "create_app", "run"]



# ---------------------------------------------------------------- one worker's app


class _ServerHeader:
    """ASGI middleware: ``X-Bot-Server`` names the instance that answered (nginx tests, logs).
    Plain ASGI, not BaseHTTPMiddleware, so the page's event streams pass through untouched."""

    def __init__(self, app: Any, value: str) -> None:
        self.app = app
        self.header = (b"x-bot-server", value.encode())

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def tagged(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), self.header]
            await send(message)

        return await self.app(scope, receive, tagged)


def _mount_kwargs(demo: Any) -> dict[str, Any]:
    """The Blocks' launch defaults that mount_gradio_app takes (share is always off here)."""
    skip = {"share", "server_name", "quiet"}
    return {k: v for k, v in demo.launch_defaults.items() if k not in skip}


def create_app(
    engine: Any,
    *,
    kiosk: bool = False,
    auth: list[tuple[str, str]] | None = None,
    settings: Settings | None = None,
    tag: str = "w0-",
    server_id: str = "",
    demo: Any = None,
) -> Any:
    """A FastAPI app: ``POST /api/ask`` and the chat page (mounted at ``/``), one login guarding both."""
    import gradio as gr
    from fastapi import FastAPI
    from starlette.routing import Mount

    from bot.app import build_app

    settings = settings or engine.settings or Settings()
    demo = demo if demo is not None else build_app(engine, kiosk=kiosk, settings=settings)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    if server_id:
        app.add_middleware(_ServerHeader, value=server_id)
    holder: dict[str, Any] = {}

    def cookie_user(request: Any) -> str | None:
        gapp = holder.get("gradio")
        if gapp is None:
            return None
        token = request.cookies.get(f"access-token-{gapp.cookie_id}") or request.cookies.get(
            f"access-token-unsecure-{gapp.cookie_id}"
        )
        return gapp.tokens.get(token) if token else None

    endpoint = AskEndpoint(engine, settings, kiosk=kiosk, auth=auth, cookie_user=cookie_user, tag=tag)
    add_ask_route(app, endpoint)  # before the mount: the mount at "/" would otherwise take the path
    gr.mount_gradio_app(
        app,
        demo,
        path="",
        server_name=settings.host,
        auth=auth,
        auth_message="Sign in to use the reference chat." if auth else None,
        **_mount_kwargs(demo),
    )
    holder["gradio"] = next(r.app for r in app.routes if isinstance(r, Mount))
    app.state.ask = endpoint
    return app


def _uvicorn_config(app: Any, **kw: Any) -> Any:
    import uvicorn

    return uvicorn.Config(
        app, log_level="warning", access_log=False, timeout_keep_alive=75, server_header=False,
        timeout_graceful_shutdown=3,  # the page's open event streams must not hold a shutdown forever
        **kw,
    )


# ---------------------------------------------------------------- process management

def _shared_encoder(engine: Any) -> None:
    """Before the fork: load a one-thread query encoder once, so that the workers share its weights
    instead of each loading a copy. One thread means no runtime thread pool, which a fork would break."""
    inner = engine.embedder.inner
    if hasattr(inner, "threads") and getattr(inner, "_session", "n/a") is None:
        os.environ["TOKENIZERS_PARALLELISM"] = "false"  # no tokenizer thread pool either
        inner.threads = 1
        engine.embedder.encode(["warm-up"])


def _worker_embedder(engine: Any, keep: list[Any]) -> None:
    """After the fork: one encoder thread per worker (the workers already fill the cores). An encoder
    loaded with a thread pool (e.g. by a build in this process) is replaced: pools do not survive a
    fork (the parent's is kept alive, never used)."""
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    inner = engine.embedder.inner
    if getattr(inner, "_session", None) is not None and getattr(inner, "threads", 1) != 1:
        keep.append(inner)
        inner = type(inner)(inner.cache_dir, inner.model_path, inner.quantize, inner.batch_size, threads=1)
        engine.embedder.inner = inner
    elif hasattr(inner, "threads"):
        inner.threads = 1
    with contextlib.suppress(Exception):
        import faiss

        faiss.omp_set_num_threads(1)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _run_worker(engine: Any, app: Any, sock: socket.socket) -> None:
    import uvicorn

    keep: list[Any] = []
    _worker_embedder(engine, keep)
    server = uvicorn.Server(_uvicorn_config(app))
    run_loop(server.serve(sockets=[sock]))


def run(
    engine: Any,
    host: str,
    port: int,
    *,
    workers: int = 1,
    kiosk: bool = False,
    auth: list[tuple[str, str]] | None = None,
    settings: Settings | None = None,
    ready: Callable[[], None] | None = None,
) -> None:
    """Serve until SIGINT or SIGTERM."""
    import uvicorn

    settings = settings or engine.settings or Settings()
    server_id = secrets.token_hex(4)
    public = _bind(host, port)
    if workers <= 1:
        engine.warm()  # the first visitor's question waits for nothing loaded lazily
        app = create_app(engine, kiosk=kiosk, auth=auth, settings=settings, tag="w0-", server_id=server_id)
        server = uvicorn.Server(_uvicorn_config(app))
        if ready:
            ready()
        run_loop(server.serve(sockets=[public]))
        return

    private = [_bind("127.0.0.1", 0) for _ in range(workers)]
    _shared_encoder(engine)
    # Before the fork: what questions load lazily (wordfreq's list, the conditions table, compiled
    # patterns) is loaded once and shared by every worker (~35 MiB per worker on MedQuAD).
    engine.warm()
    # Every worker's app is built here, before the fork, so that its pages are shared too.
    apps = [create_app(engine, kiosk=kiosk, auth=auth, settings=settings, tag=f"w{n}-", server_id=server_id)
            for n in range(workers)]
    gc.collect()
    gc.freeze()  # the loaded index's objects stay on shared pages: the collector will not touch them
    children: list[int] = []
    for n, sock in enumerate(private):
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                public.close()
                for other in private:  # a dead worker's socket must refuse, not queue, connections
                    if other is not sock:
                        other.close()
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the workers with SIGTERM
                _run_worker(engine, apps[n], sock)
            except BaseException as exc:  # noqa: BLE001 - report, then leave without the parent's cleanup
                if not isinstance(exc, SystemExit | KeyboardInterrupt):
                    print(f"worker {n} failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
                    code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children.append(pid)
    backends = [s.getsockname()[:2] for s in private]
    for s in private:
        s.close()
    if not workers_answer(backends):
        print("error: a worker did not start; stopping", file=sys.stderr, flush=True)
        stop_workers(children)
        return
    if ready:
        ready()  # the public socket listens already: connections wait for the front's first accept
    exec_front(public, backends, children, API_PATH)  # returns only when it could not exec
    try:
        run_loop(serve_front(public, backends, children, API_PATH))
    finally:
        stop_workers(children)
