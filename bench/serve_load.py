"""Server throughput: answers/s and latency of ``POST /api/ask`` beside the in-process engine, same run.

    .venv/bin/python bench/serve_load.py                               # seed corpus, 1 and 2 workers
    .venv/bin/python bench/serve_load.py --workers 2 --clients 1,10,50 --seconds 10
    .venv/bin/python bench/serve_load.py --url http://127.0.0.1:7860   # an already running server

This process is the load generator (asyncio, raw HTTP/1.1 on kept-alive loopback connections, no
client library), and it starts ``bot serve --workers N`` as a separate process. Each client repeats a
two-turn conversation: a question on a new session, then a follow-up on that session, so sessions
must reach the worker that holds them. Before the load, the engine answers the same questions in
this process, one thread (the yardstick). After each worker count, the server's memory is read from
/proc: RSS summed over its processes (counts pages the workers share once per process) and PSS
(each shared page split between the processes that map it: the memory actually used).

Only loopback addresses are accepted. Every loop is bounded by time and by a request count.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
TOPICS = ["blinatumomab", "inotuzumab", "tisagenlecleucel", "nelarabine", "clofarabine", "CNS relapse",
          "CAR T-cell therapy", "allogeneic stem cell transplant"]
FIRST = ["What is {}?", "Tell me about {}.", "When is {} used?"]
FOLLOW = ["What are its side effects?", "How is it given?"]
MAX_REQUESTS_PER_CLIENT = 20_000
_SESSION = re.compile(rb'"session":\s*"([^"]+)"')


def conversations() -> list[tuple[str, str]]:
    return [(f.format(t), fu) for t in TOPICS for f in FIRST for fu in FOLLOW]


def engine_rate(corpus: str, index: str | None, seconds: float) -> float:
    """Answers/s of the engine in this process, one thread, same two-turn conversations."""
    import bot

    engine = bot.load(corpus=corpus, index=index)
    if hasattr(engine.embedder.inner, "threads"):
        engine.embedder.inner.threads = 1  # one thread, as the yardstick says (and as each worker runs)
    convs = conversations()
    for first, follow in convs[:4]:  # warm-up
        s = engine.session()
        s.ask(first)
        s.ask(follow)
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds and n < MAX_REQUESTS_PER_CLIENT:
        first, follow = convs[(n // 2) % len(convs)]
        s = engine.session()
        s.ask(first)
        s.ask(follow)
        n += 2
    return n / (time.perf_counter() - t0)


async def _client(host: str, port: int, offset: int, deadline: float, lat: list[float], errors: list[str],
                  source: str | None = None) -> None:
    local = (source, 0) if source else None
    reader, writer = await asyncio.open_connection(host, port, local_addr=local)
    convs = conversations()
    try:
        for i in range(MAX_REQUESTS_PER_CLIENT // 2):
            if time.perf_counter() >= deadline:
                return
            first, follow = convs[(offset + i) % len(convs)]
            session = None
            for question in (first, follow):
                body = json.dumps({"question": question, "session": session}).encode()
                req = (
                    f"POST /api/ask HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n"
                ).encode() + body
                t0 = time.perf_counter()
                writer.write(req)
                head = await reader.readuntil(b"\r\n\r\n")
                m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
                data = await reader.readexactly(int(m.group(1))) if m else b""
                lat.append(time.perf_counter() - t0)
                if b"\r\nconnection: close" in head.lower():  # e.g. nginx after keepalive_requests
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port, local_addr=local)
                status = head[9:12]
                sm = _SESSION.search(data)
                if status != b"200" or not sm:
                    errors.append(f"{status.decode()} {data[:120]!r}")
                    return
                if session is not None and b'"new_conversation":false' not in data.replace(b" ", b""):
                    errors.append("a follow-up lost its conversation")
                session = sm.group(1).decode()
    finally:
        writer.close()


async def _level(host: str, port: int, clients: int, seconds: float, sources: int = 0) -> dict:
    lat: list[float] = []
    errors: list[str] = []
    t0 = time.perf_counter()
    deadline = t0 + seconds
    # With ``sources``, clients connect from 127.0.0.2, 127.0.0.3, ...: a proxy that keeps each client
    # address on one instance (nginx's hash $remote_addr) then spreads them as it would real users.
    addrs = [f"127.0.0.{2 + i % sources}" if sources else None for i in range(clients)]
    await asyncio.gather(*(_client(host, port, i * 7, deadline, lat, errors, addrs[i]) for i in range(clients)))
    wall = time.perf_counter() - t0
    lat.sort()
    return {
        "clients": clients,
        "answers": len(lat),
        "answers_per_s": round(len(lat) / wall, 1),
        "p50_ms": round(1000 * statistics.median(lat), 1) if lat else None,
        "p95_ms": round(1000 * lat[int(0.95 * (len(lat) - 1))], 1) if lat else None,
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
    }


def tree_memory(pid: int) -> dict:
    """RSS and PSS (MiB) summed over ``pid`` and its descendants."""
    import psutil

    procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    rss = pss = 0
    for p in procs:
        text = Path(f"/proc/{p.pid}/smaps_rollup").read_text()
        rss += int(re.search(r"^Rss:\s+(\d+)", text, re.M).group(1))  # type: ignore[union-attr]
        pss += int(re.search(r"^Pss:\s+(\d+)", text, re.M).group(1))  # type: ignore[union-attr]
    return {"processes": len(procs), "rss_mib": round(rss / 1024), "pss_mib": round(pss / 1024)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(corpus: str, index: str | None, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    cmd = [str(ROOT / ".venv/bin/bot"), "serve", "--corpus", corpus, "--port", str(port), "--workers", str(workers)]
    if index:
        cmd += ["--index", index]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "Serving" not in line:
        proc.kill()
        raise SystemExit(f"bot serve did not start: {line!r}")
    return proc, port


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--index", default=None)
    ap.add_argument("--workers", default="1,2", help="worker counts to start, comma separated")
    ap.add_argument("--clients", default="1,10,50")
    ap.add_argument("--seconds", type=float, default=10.0, help="per level (and for the engine yardstick)")
    ap.add_argument("--url", default=None, help="measure this running server instead (loopback only)")
    ap.add_argument("--sources", type=int, default=0, help="connect from this many loopback addresses (nginx)")
    ap.add_argument("--out", default=None, help="also write the results as JSON here")
    args = ap.parse_args(argv)
    levels = [int(c) for c in args.clients.split(",")]

    engine = round(engine_rate(args.corpus, args.index, args.seconds), 1)
    print(f"engine in-process, one thread: {engine} answers/s", flush=True)
    results: dict = {"engine_answers_per_s": engine, "runs": []}
    targets = [("url", args.url)] if args.url else [("workers", int(w)) for w in args.workers.split(",")]
    for kind, value in targets:
        proc = None
        if kind == "url":
            parts = urlsplit(str(value))
            host, port = parts.hostname or "", parts.port or 80
            if not (host == "localhost" or host.startswith("127.") or host == "::1"):
                raise SystemExit("only loopback servers are measured")
        else:
            proc, port = start_server(args.corpus, args.index, int(value))
            host = "127.0.0.1"
        try:
            asyncio.run(_level(host, port, 4, 2.0, args.sources))  # warm-up: every worker answers
            run: dict = {kind: value, "levels": []}
            for clients in levels:
                r = asyncio.run(_level(host, port, clients, args.seconds, args.sources))
                r["vs_engine"] = round(r["answers_per_s"] / engine, 2)
                run["levels"].append(r)
                print(f"{kind}={value} clients={clients}: {r}", flush=True)
            if proc is not None:
                run["memory"] = tree_memory(proc.pid)
                print(f"{kind}={value} memory: {run['memory']}", flush=True)
            results["runs"].append(run)
        finally:
            if proc is not None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
    print()
    print("| server | clients | answers/s | vs engine | p50 ms | p95 ms | errors |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for run in results["runs"]:
        name = f"--workers {run['workers']}" if "workers" in run else run["url"]
        for r in run["levels"]:
            print(f"| {name} | {r['clients']} | {r['answers_per_s']} | {r['vs_engine']}x | {r['p50_ms']} | "
                  f"{r['p95_ms']} | {r['errors']} |")
    print(f"| engine, in-process | 1 thread | {engine} | 1.00x | | | |")
    for run in results["runs"]:
        if "memory" in run:
            m = run["memory"]
            print(f"memory with --workers {run['workers']}: RSS {m['rss_mib']} MiB summed over {m['processes']} "
                  f"processes, PSS {m['pss_mib']} MiB")
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 1 if any(r["errors"] for run in results["runs"] for r in run["levels"]) else 0


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.exit(main())
