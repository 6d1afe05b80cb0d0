"""Load test (not a CI test): N concurrent chat conversations against `bot serve`, over loopback only.

    .venv/bin/python scripts/load_test.py                      # starts `bot serve` on a free port itself
    .venv/bin/python scripts/load_test.py --url http://127.0.0.1:7860 --conversations 50 --seconds 60

Each of the N workers holds its own gradio_client session (its own conversation state on the server)
and, until the time is up, repeats: start a new conversation, ask about one drug, then ask the
follow-up "What are its side effects?". The follow-up must be about that worker's own drug, never
another session's. Prints request count, errors and p50/p95/max latency; exits 1 on any error.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
# Drugs of the bundled corpus (relapsed ALL); each conversation is about one of them.
DRUGS = [
    "blinatumomab",
    "inotuzumab",
    "tisagenlecleucel",
    "brexucabtagene autoleucel",
    "nelarabine",
    "clofarabine",
    "vincristine",
]
MAX_CONVERSATIONS_PER_WORKER = 1000  # a bound besides the time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "127.0.0.1", "::1") or host.startswith("127.")


@contextlib.contextmanager
def served(corpus: str, index: str | None) -> Iterator[str]:
    """`bot serve` on a free loopback port, stopped afterwards."""
    port = free_port()
    index = index or str(Path(tempfile.mkdtemp(prefix="load-test-")) / "index")
    cmd = [
        sys.executable,
        "-m",
        "bot",
        "serve",
        "--corpus",
        corpus,
        "--index",
        index,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    log = open(Path(index).parent / "serve.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"bot serve exited ({proc.returncode}); see {log.name}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.5)
        else:
            raise SystemExit("bot serve did not start within 300 s")
        print(f"started bot serve (pid {proc.pid}) on port {port}; log {log.name}", flush=True)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def visible(message: dict) -> str:
    content = message["content"]
    raw = "".join(p.get("text", "") for p in content) if isinstance(content, list) else str(content)
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


def subject_line(text: str) -> str:
    """What the answer says it is about: its 'Searched for' line, else its first sentence."""
    m = re.search(r"Searched for:\s*(.*?\?)", text)
    return m.group(1) if m else text.strip()[:200]


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.conversations = 0

    def timed(self, fn, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        with self.lock:
            self.latencies.append(time.perf_counter() - t0)
        return out

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def worker(n: int, url: str, deadline: float, stats: Stats, timeout: float) -> None:
    from gradio_client import Client

    drug = DRUGS[n % len(DRUGS)]
    others = [d for d in DRUGS if d != drug]
    try:
        client = Client(url, verbose=False, download_files=False, httpx_kwargs={"timeout": timeout})
    except Exception as exc:  # noqa: BLE001 - counted and reported
        stats.error(f"worker {n}: client: {type(exc).__name__}: {exc}")
        return
    for _ in range(MAX_CONVERSATIONS_PER_WORKER):
        if time.monotonic() >= deadline:
            break
        try:
            stats.timed(client.predict, api_name="/new_conversation")
            _, history = stats.timed(client.predict, f"What is {drug}?", api_name="/chat")
            first = visible(history[-1])
            if drug.split()[0] not in first.lower():
                stats.error(f"worker {n} ({drug}): first answer does not name the drug: {first[:150]!r}")
            _, history = stats.timed(client.predict, "What are its side effects?", api_name="/chat")
            if len(history) != 4:
                stats.error(f"worker {n} ({drug}): history of {len(history)} messages, expected 4")
            text = visible(history[-1])
            about = subject_line(text).lower()
            if drug.split()[0] not in text.lower() or drug.split()[0] not in about:
                stats.error(f"worker {n} ({drug}): follow-up not about its drug: {about!r}")
            leaked = [d for d in others if d.split()[0] in about]
            if leaked:
                stats.error(
                    f"worker {n} ({drug}): follow-up about another session's drug {leaked}: {about!r}"
                )
            with stats.lock:
                stats.conversations += 1
        except Exception as exc:  # noqa: BLE001 - counted and reported
            stats.error(f"worker {n} ({drug}): {type(exc).__name__}: {str(exc)[:200]}")


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]
    )


def run(url: str, conversations: int, seconds: float, timeout: float) -> int:
    if not is_loopback(url):
        raise SystemExit(f"{url}: the load test only talks to loopback addresses")
    stats = Stats()
    deadline = time.monotonic() + seconds
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=conversations) as pool:
        futures = [pool.submit(worker, n, url, deadline, stats, timeout) for n in range(conversations)]
        for f in futures:
            f.result()
    wall = time.monotonic() - t0
    lat = sorted(stats.latencies)
    print(f"url {url}; {conversations} concurrent conversations for {seconds:.0f} s (wall {wall:.1f} s)")
    print(f"conversations completed: {stats.conversations}; requests: {len(lat)} ({len(lat) / wall:.1f}/s)")
    if lat:
        print(
            f"latency p50 {percentile(lat, 50) * 1000:.0f} ms, p95 {percentile(lat, 95) * 1000:.0f} ms, "
            f"max {lat[-1] * 1000:.0f} ms"
        )
    print(f"errors: {len(stats.errors)}")
    for e in stats.errors[:20]:
        print("  " + e)
    return 1 if stats.errors or not stats.conversations else 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", help="a running `bot serve` (loopback only); default: start one on a free port")
    p.add_argument("--corpus", default=str(ROOT / "corpus"), help="corpus for the server this script starts")
    p.add_argument(
        "--index", default=None, help="index folder for that server (default: a fresh temporary one)"
    )
    p.add_argument("--conversations", type=int, default=50, help="concurrent conversations (default 50)")
    p.add_argument("--seconds", type=float, default=60.0, help="duration (default 60)")
    p.add_argument("--timeout", type=float, default=120.0, help="per-request timeout in seconds")
    args = p.parse_args()
    if not 1 <= args.conversations <= 500 or not 0 < args.seconds <= 3600:
        raise SystemExit("--conversations must be 1..500 and --seconds 0..3600")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.url:
        return run(args.url.rstrip("/"), args.conversations, args.seconds, args.timeout)
    with served(args.corpus, args.index) as url:
        return run(url, args.conversations, args.seconds, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
