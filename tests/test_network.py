"""No network: loading the model, building, answering and serving only ever touch loopback.

A socket guard replaces ``socket.socket.connect``/``connect_ex``, ``socket.create_connection`` and
``socket.getaddrinfo``: loopback addresses and AF_UNIX sockets pass; anything else is recorded and
refused (so a library that would quietly fall back after a failed request is still caught: the test
fails on the record, not only on an exception).
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"


def is_local(address: Any) -> bool:
    if isinstance(address, str | bytes):  # an AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) and address else address
    if isinstance(host, bytes):
        host = host.decode()
    if host in (None, "localhost", ""):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name other than localhost


def guard_patches(attempts: list[str]) -> list[tuple[Any, str, Callable[..., Any]]]:
    """(owner, attribute, replacement) triples of the guard; refused attempts are appended to ``attempts``."""
    sock_connect = socket.socket.connect
    sock_connect_ex = socket.socket.connect_ex
    create_connection = socket.create_connection
    getaddrinfo = socket.getaddrinfo

    def refuse(what: str, address: Any) -> OSError:
        attempts.append(f"{what} {address!r}")
        return OSError(errno.ENETUNREACH, f"network access refused by the test guard: {address!r}")

    def connect(self: socket.socket, address: Any) -> None:
        if self.family == getattr(socket, "AF_UNIX", None) or is_local(address):
            return sock_connect(self, address)
        raise refuse("connect", address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if self.family == getattr(socket, "AF_UNIX", None) or is_local(address):
            return sock_connect_ex(self, address)
        refuse("connect_ex", address)
        return errno.ENETUNREACH

    def guarded_create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        if is_local(address):
            return create_connection(address, *args, **kwargs)
        raise refuse("create_connection", address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if is_local((host,)):
            return getaddrinfo(host, *args, **kwargs)
        attempts.append(f"getaddrinfo {host!r}")
        raise socket.gaierror(socket.EAI_NONAME, f"name lookup refused by the test guard: {host!r}")

    return [
        (socket.socket, "connect", connect),
        (socket.socket, "connect_ex", connect_ex),
        (socket, "create_connection", guarded_create_connection),
        (socket, "getaddrinfo", guarded_getaddrinfo),
    ]


def install_guard(log: str) -> None:
    """For a child process: install the guard for good; refused attempts are appended to ``log``."""

    class Log(list):
        def append(self, item: str) -> None:
            super().append(item)
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(item + "\n")

    for owner, name, replacement in guard_patches(Log()):
        setattr(owner, name, replacement)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    attempts: list[str] = []
    for owner, name, replacement in guard_patches(attempts):
        monkeypatch.setattr(owner, name, replacement)
    yield attempts
    assert attempts == [], f"network access attempted: {attempts[:5]}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------------------------------------- the guard


def test_the_guard_refuses_the_network_and_allows_loopback(no_network: list[str]):
    with pytest.raises(OSError, match="refused by the test guard"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1, never routed
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("huggingface.co", 443)
    with socket.socket() as s:
        assert s.connect_ex(("198.51.100.7", 443)) == errno.ENETUNREACH
    assert len(no_network) == 3
    no_network.clear()
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        socket.create_connection(server.getsockname(), timeout=2).close()
    a, b = socket.socketpair()  # AF_UNIX
    a.close(), b.close()


# ---------------------------------------------------------------------------------------------- engine


@pytest.mark.model
def test_real_model_load_build_and_answer_without_network(no_network: list[str], tmp_path: Path):
    import bot
    from bot.embedding import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()  # a fresh model load, inside the guard
    engine = bot.load(corpus=ROOT / "corpus", index=tmp_path / "index", embedder=embedder, rebuild=True)
    assert engine.build_report is not None and engine.build_report.rebuilt
    session = engine.session()
    answer = session.ask("Tell me what blinatumomab is.")
    assert not answer.abstained and answer.citations
    assert session.ask("What are its side effects?").answer
    assert engine.search("inotuzumab", k=3)
    assert os.environ.get("HF_HUB_OFFLINE") == "1"


# ---------------------------------------------------------------------------------------------- server


@pytest.mark.server
def test_server_start_and_answers_without_network(no_network: list[str], engine: Any, tmp_path: Path):
    from gradio_client import Client

    from bot.app import build_app

    demo = build_app(engine, feedback_dir=tmp_path / "feedback")
    demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        url = demo.local_url.rstrip("/")
        client = Client(url, verbose=False, download_files=False)
        result = client.predict("What is alphamab?", api_name="/ask")
        assert result["abstained"] is False and result["citations"]
        client.predict("What is betacel?", api_name="/chat")
        _, history = client.predict("What are its side effects?", api_name="/chat")
        assert "hepatotoxicity" in str(history[-1]["content"])
        import httpx

        assert httpx.get(url + "/", timeout=30).status_code == 200
    finally:
        demo.close()


@contextlib.contextmanager
def child(*argv: str, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    proc = subprocess.Popen(
        [sys.executable, *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout:
            proc.stdout.close()


@pytest.mark.model
@pytest.mark.server
def test_bot_serve_process_never_leaves_loopback(tmp_path: Path):
    """`bot serve` in its own process with the guard installed: model load, index build, page and API."""
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "corpus", corpus)
    log = tmp_path / "attempts.log"
    port = free_port()
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from test_network import install_guard; install_guard(sys.argv[2]);"
        "from bot.cli import main; sys.exit(main(sys.argv[3:]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "GRADIO_", "TRANSFORMERS_"))}
    env["PYTHONPATH"] = str(ROOT)
    args = [
        "-c",
        code,
        str(TESTS),
        str(log),
        "serve",
        "--corpus",
        str(corpus),
        "--index",
        str(tmp_path / "index"),
        "--port",
        str(port),
        "--host",
        "127.0.0.1",
    ]
    with child(*args, env=env) as proc:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.3)
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        from gradio_client import Client

        result = Client(url, verbose=False, download_files=False).predict("What is betacel?", api_name="/ask")
        assert result["abstained"] is False
    attempts = log.read_text().splitlines() if log.exists() else []
    assert attempts == [], f"`bot serve` attempted network access: {attempts[:5]}"


# ---------------------------------------------------------------------------------------------- environment


def run_clean(code: str) -> str:
    """Run ``code`` in a fresh interpreter whose environment has no HF_/GRADIO_ variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "GRADIO_", "TRANSFORMERS_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), str(ROOT)])
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.strip().splitlines()[-1]


def test_code_sets_hf_hub_offline(tmp_path: Path):
    code = (
        "import os, shutil, sys, bot; from conftest import FakeEmbedder;"
        f"shutil.copytree({str(FIXTURES / 'corpus')!r}, {str(tmp_path / 'c')!r});"
        f"e = bot.load(corpus={str(tmp_path / 'c')!r}, index={str(tmp_path / 'i')!r}, embedder=FakeEmbedder());"
        "e.session().ask('What is betacel?');"
        "print(os.environ.get('HF_HUB_OFFLINE'))"
    )
    assert run_clean(code) == "1"


def test_cli_sets_hf_hub_offline_and_gradio_analytics_off():
    assert (
        run_clean(
            "import os, bot.cli; print(os.environ.get('HF_HUB_OFFLINE'), "
            "os.environ.get('GRADIO_ANALYTICS_ENABLED'))"
        )
        == "1 False"
    )


def test_importing_the_app_turns_gradio_analytics_off():
    code = (
        "import os, bot.app, gradio;"
        "print(os.environ.get('GRADIO_ANALYTICS_ENABLED'), os.environ.get('HF_HUB_OFFLINE'))"
    )
    assert run_clean(code) == "False 1"


@pytest.mark.model
def test_real_embedder_sets_offline_before_loading_the_model():
    code = (
        "import os; from bot.embedding import SentenceTransformerEmbedder;"
        "v = SentenceTransformerEmbedder().encode(['hello']);"
        "import huggingface_hub.constants as c;"
        "print(os.environ.get('HF_HUB_OFFLINE'), os.environ.get('TRANSFORMERS_OFFLINE'), c.HF_HUB_OFFLINE, v.shape)"
    )
    assert run_clean(code) == "1 1 True (1, 384)"
