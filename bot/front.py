"""The front process of ``bot serve --workers N``: relays client connections to the workers.

Only the standard library (and uvloop when installed): the server's parent process loads the engine,
forks the workers, then replaces itself with this module (``exec_front``). The parent's copy of the
loaded engine then goes away: pages the workers have since written each hold their own copy of, and
libraries only the start-up used (Gradio's build of the page), are no longer kept alive by a process
that never answers (~60 MiB on MedQuAD). How requests are routed is in bot/server.py's module doc.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import sys
import zlib
from pathlib import Path

COOKIE = "bot_worker"
_MAX_HEAD = 64 * 1024
_SESSION_TAG = re.compile(rb'"session"\s*:\s*"w(\d{1,3})-')
_COOKIE_RE = re.compile(COOKIE.encode() + rb"=(\d{1,3})")
_BAD_GATEWAY_BODY = b'{"error":"the answering worker is not reachable; please ask again"}'
_BAD_GATEWAY = (
    b"HTTP/1.1 502 Bad Gateway\r\ncontent-type: application/json\r\n"
    b"content-length: %d\r\n\r\n" % len(_BAD_GATEWAY_BODY) + _BAD_GATEWAY_BODY
)


class Front:
    """Relays client connections to the workers (see the module doc). Plain asyncio, no parsing beyond
    request heads: /api/ask replies come from this app and always carry a Content-Length."""

    def __init__(self, backends: list[tuple[str, int]], api_path: str) -> None:
        self.backends = backends
        self.api_path = api_path.encode()
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
                    len(parts) == 3 and parts[0] == b"POST" and parts[1].split(b"?")[0] == self.api_path
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


def workers_answer(backends: list[tuple[str, int]], timeout: float = 120.0) -> bool:
    """Does every worker answer HTTP (its socket accepted connections before that)?"""
    for b in backends:
        try:
            with socket.create_connection(b, timeout=timeout) as c:
                c.sendall(b"GET /api/ask HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                if not c.recv(1):
                    return False
        except OSError:
            return False
    return True


async def serve_front(public: socket.socket, backends: list[tuple[str, int]], children: list[int], api_path: str) -> None:
    """Relay ``public``'s connections to ``backends`` until SIGINT or SIGTERM, or until a worker stops."""
    front = Front(backends, api_path)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    # Blocked across the exec (see ``exec_front``): a stop asked for meanwhile is delivered now.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    server = await asyncio.start_server(front.serve_client, sock=public, limit=_MAX_HEAD)

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


def stop_workers(children: list[int]) -> None:
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    for pid in children:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def run_loop(main: object) -> None:
    """asyncio.run on uvloop when installed (a pyproject dependency): the front and the workers
    spend much of their time in the event loop, and uvloop's is several times cheaper."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)  # type: ignore[arg-type]
        return
    uvloop.run(main)  # type: ignore[arg-type]


def exec_front(public: socket.socket, backends: list[tuple[str, int]], children: list[int], api_path: str) -> None:
    """Replace this process by a fresh interpreter running only the front (``main``), same pid, so the
    workers stay its children. Returns only when the exec fails (the caller then relays in-process).
    SIGINT and SIGTERM stay blocked until the new front has its handlers: a stop is never lost."""
    spec = json.dumps({"fd": public.fileno(), "backends": backends, "children": children, "api_path": api_path})
    package_parent = str(Path(__file__).resolve().parent.parent)
    code = f"import sys; sys.path.insert(0, {package_parent!r}); from bot.front import main; main()"
    public.set_inheritable(True)
    sys.stdout.flush()
    sys.stderr.flush()
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        os.execv(sys.executable, [sys.executable, "-c", code, spec])
    except OSError as exc:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
        print(f"warning: could not start a separate front process ({exc}); relaying from this one",
              file=sys.stderr, flush=True)


def main() -> None:
    """The exec'd front: its arguments are ``exec_front``'s JSON."""
    spec = json.loads(sys.argv[-1])
    public = socket.socket(fileno=int(spec["fd"]))
    backends = [(str(h), int(p)) for h, p in spec["backends"]]
    children = [int(c) for c in spec["children"]]
    try:
        run_loop(serve_front(public, backends, children, str(spec["api_path"])))
    finally:
        stop_workers(children)
