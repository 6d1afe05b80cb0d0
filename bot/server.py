"""The HTTP server: the chat page and ``POST /api/ask`` on one port, in one or more worker processes.

    app = create_app(engine, kiosk=False, auth=None)   # FastAPI: /api/ask beside the mounted Gradio page
    run(engine, host, port, workers=2, ...)            # blocks until Ctrl+C or SIGTERM

With ``workers > 1`` the engine is loaded once, then the process forks: the workers share the loaded
index (arrays, vectors, documents) copy-on-write, so memory grows by each worker's own heap, not by
another copy of the index. The parent becomes a small front process on the public port that relays
each connection to a worker on a private loopback socket:

- ``/api/ask`` requests one by one: a question with a ``session`` goes to the worker whose tag
  (``w<n>-``) starts the id, a new conversation to the least busy worker;
- everything else (the page, its Gradio API, the login) stays on one worker per browser: the front
  sets a ``bot_worker`` cookie on the first reply and follows it afterwards, since a page's
  conversation state and login token live in that worker only.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import re
import secrets
import signal
import socket
import sys
import zlib
from collections.abc import Callable
from typing import Any

from bot.api import PATH as API_PATH
from bot.api import AskEndpoint, add_ask_route
from bot.settings import Settings

COOKIE = "bot_worker"
_MAX_HEAD = 64 * 1024
_SESSION_TAG = re.compile(rb'"session"\s*:\s*"w(\d{1,3})-')
_COOKIE_RE = re.compile(COOKIE.encode() + rb"=(\d{1,3})")
_BAD_GATEWAY_BODY = b'{"error":"the answering worker is not reachable; please ask again"}'
_BAD_GATEWAY = (
    b"HTTP/1.1 502 Bad Gateway\r\ncontent-type: application/json\r\n"
    b"content-length: %d\r\n\r\n" % len(_BAD_GATEWAY_BODY) + _BAD_GATEWAY_BODY
)


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


# ---------------------------------------------------------------- the front process


class Front:
    """Relays client connections to the workers (see the module doc). Plain asyncio, no parsing beyond
    request heads: /api/ask replies come from this app and always carry a Content-Length."""

    def __init__(self, backends: list[tuple[str, int]]) -> None:
        self.backends = backends
        self.busy = [0] * len(backends)
        self.idle: list[list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]] = [[] for _ in backends]
        self._next = 0

    def _least_busy(self) -> int:
        low = min(self.busy)
        n = len(self.busy)
        for i in range(n):  # round-robin among the least busy
            w = (self._next + i) % n
            if self.busy[w] == low:
                self._next = w + 1
                return w
        return 0

    def _sticky(self, head: bytes, peer: str) -> tuple[int, bool]:
        """(worker, cookie present) for a page request."""
        for line in head.split(b"\r\n")[1:]:
            if line[:7].lower() == b"cookie:":
                m = _COOKIE_RE.search(line)
                if m and int(m.group(1)) < len(self.backends):
                    return int(m.group(1)), True
        # Without the cookie yet, one client's parallel first requests must agree: hash its address.
        forwarded = re.search(rb"(?im)^x-forwarded-for:\s*([^,\r]+)", head)
        key = forwarded.group(1).strip() if forwarded else peer.encode()
        ua = re.search(rb"(?im)^user-agent:([^\r]*)", head)
        return zlib.crc32(key + (ua.group(1) if ua else b"")) % len(self.backends), False

    async def serve_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = str((writer.get_extra_info("peername") or ("",))[0])
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                first = head[: head.find(b"\r\n")]
                parts = first.split(b" ")
                lower = head.lower()
                m = re.search(rb"\r\ncontent-length:\s*(\d+)", lower)
                length = int(m.group(1)) if m else 0
                plain = b"\r\ntransfer-encoding:" not in lower and b"\r\nupgrade:" not in lower
                if (
                    len(parts) == 3 and parts[0] == b"POST" and parts[1].split(b"?")[0] == API_PATH.encode()
                    and plain and length <= _MAX_HEAD
                ):
                    if b"\r\nexpect: 100-continue" in lower:  # answered here: the body is needed to route
                        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                        head = re.sub(rb"(?i)\r\nexpect:[^\r]*", b"", head)
                    body = await reader.readexactly(length) if length else b""
                    m = _SESSION_TAG.search(body)
                    w = int(m.group(1)) if m and int(m.group(1)) < len(self.backends) else self._least_busy()
                    try:
                        reply = await self._exchange(w, head + body)
                    except (ConnectionError, OSError, asyncio.IncompleteReadError):
                        reply = _BAD_GATEWAY
                    writer.write(reply)
                    await writer.drain()
                    if b"\r\nconnection: close" in lower or parts[2] == b"HTTP/1.0":
                        return
                    continue
                w, has_cookie = self._sticky(head, peer)
                await self._pipe(w, head, reader, writer, set_cookie=not has_cookie)
                return
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            return
        except asyncio.CancelledError:  # the server is stopping: open connections just end
            return
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _exchange(self, w: int, request: bytes) -> bytes:
        """One /api/ask request on a kept-alive connection to worker ``w``; the whole reply."""
        self.busy[w] += 1
        try:
            for attempt in range(2):
                reused = bool(self.idle[w])
                r, wr = self.idle[w].pop() if reused else await asyncio.open_connection(*self.backends[w])
                try:
                    wr.write(request)
                    await wr.drain()
                    head = await r.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    wr.close()
                    if reused and attempt == 0:  # the worker closed an idle connection: try a fresh one
                        continue
                    raise
                m = re.search(rb"\r\ncontent-length:\s*(\d+)", head.lower())
                body = await r.readexactly(int(m.group(1))) if m else b""
                if m and b"\r\nconnection: close" not in head.lower():
                    self.idle[w].append((r, wr))
                else:
                    wr.close()
                return head + body
            raise ConnectionError("worker unreachable")
        finally:
            self.busy[w] -= 1

    async def _pipe(
        self, w: int, head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, set_cookie: bool
    ) -> None:
        """The rest of this connection goes to worker ``w`` byte for byte."""
        r, wr = await asyncio.open_connection(*self.backends[w])
        wr.write(head)

        async def upstream() -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await reader.read(65536):
                    wr.write(data)
                    await wr.drain()
            with contextlib.suppress(Exception):
                wr.write_eof()

        async def downstream() -> None:
            with contextlib.suppress(ConnectionError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                if set_cookie:
                    first = await r.readuntil(b"\r\n\r\n")
                    cut = first.find(b"\r\n") + 2
                    cookie = f"Set-Cookie: {COOKIE}={w}; Path=/; HttpOnly; SameSite=Lax\r\n".encode()
                    writer.write(first[:cut] + cookie + first[cut:])
                while data := await r.read(65536):
                    writer.write(data)
                    await writer.drain()

        up = asyncio.ensure_future(upstream())
        try:
            await downstream()
        finally:
            up.cancel()
            wr.close()


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


def _run_loop(main: Any) -> None:
    """asyncio.run on uvloop when installed (a pyproject dependency): the front and the workers
    spend much of their time in the event loop, and uvloop's is several times cheaper."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
        return
    uvloop.run(main)


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
    _run_loop(server.serve(sockets=[sock]))


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
        app = create_app(engine, kiosk=kiosk, auth=auth, settings=settings, tag="w0-", server_id=server_id)
        server = uvicorn.Server(_uvicorn_config(app))
        if ready:
            ready()
        _run_loop(server.serve(sockets=[public]))
        return

    private = [_bind("127.0.0.1", 0) for _ in range(workers)]
    _shared_encoder(engine)
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
    try:
        _run_loop(_front(public, backends, children, ready))
    finally:
        _stop(children)


async def _front(public: socket.socket, backends: list[tuple[str, int]], children: list[int],
                 ready: Callable[[], None] | None) -> None:
    front = Front(backends)
    for b in backends:  # ready once every worker answers HTTP (its socket accepted before that)
        try:
            r, w = await asyncio.open_connection(*b)
            w.write(b"GET /api/ask HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            if not await r.read():
                raise ConnectionError("closed")
            w.close()
        except OSError:
            print("error: a worker did not start; stopping", file=sys.stderr, flush=True)
            return
    server = await asyncio.start_server(front.serve_client, sock=public, limit=_MAX_HEAD)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if ready:
        ready()

    async def watch() -> None:
        while not stop.is_set():
            for pid in children:
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done = pid
                if done:
                    print(f"a worker (pid {pid}) stopped; stopping the server", file=sys.stderr, flush=True)
                    stop.set()
            await asyncio.sleep(0.5)

    watcher = asyncio.ensure_future(watch())
    async with server:
        await stop.wait()
    watcher.cancel()


def _stop(children: list[int]) -> None:
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    for pid in children:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
