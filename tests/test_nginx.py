"""Scale-out: two `bot serve` instances behind a real nginx on loopback (the README's configuration).

nginx is Debian's package (scripts/test.sh installs it when missing). Clients come from different
loopback addresses (127.0.0.2, 127.0.0.3, ...); nginx keeps each address on one instance, so
conversations stay whole, and the addresses spread over both instances.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_api import TIMEOUT, fake_servers, free_port

pytestmark = pytest.mark.server

NGINX_CONF = """\
{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{body}
}}
"""

# The README's server block, with the instances' addresses filled in.
SITE = """\
    upstream bot {{
        hash $remote_addr consistent;   # one client, one instance: its conversations stay whole
        server {a};
        server {b};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 64k;
        location / {{
            proxy_pass http://bot;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_buffering off;        # the page's answers arrive as an event stream
            proxy_read_timeout 300s;
        }}
    }}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: scripts/test.sh installs Debian's package")
        pytest.skip("nginx is not installed (scripts/test.sh installs it)")
    return found


@contextlib.contextmanager
def nginx(upstreams: list[str], prefix: Path) -> Iterator[str]:
    binary = nginx_binary()
    port = free_port()
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    user = "user root;" if os.geteuid() == 0 else ""  # workers must reach the test's private temp folder
    site = SITE.format(a=upstreams[0].split("//")[1], b=upstreams[1].split("//")[1], port=port)
    conf = prefix / "nginx.conf"
    conf.write_text(NGINX_CONF.format(user=user, prefix=prefix, body=site), encoding="utf-8")
    check = subprocess.run([binary, "-t", "-c", str(conf), "-p", str(prefix)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([binary, "-c", str(conf), "-p", str(prefix), "-g", "daemon off;"],
                            stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(100):
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"http://127.0.0.1:{port}/nothing-here", timeout=2)
                break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGQUIT)  # graceful: finish open requests, then stop
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def client_from(address: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=TIMEOUT)


def test_two_instances_behind_nginx_both_answer_and_keep_conversations(corpus_dir: Path, tmp_path: Path,
                                                                       engine: Any):
    index = tmp_path / "index"  # built by the engine fixture; both instances load it read-only
    # One instance with two workers: the front's routing sits behind nginx's as users would run it.
    with fake_servers(corpus_dir, index, [1, 2]) as upstreams, nginx(upstreams, tmp_path / "nginx") as url:
        seen: dict[str, set[str]] = {}
        for n in range(2, 18):  # 16 client addresses: all on one instance has odds 2 in 2^16
            address = f"127.0.0.{n}"
            with client_from(address) as http:
                first = http.post(f"{url}/api/ask", json={"question": "What is betacel?"})
                assert first.status_code == 200, first.text
                follow = http.post(f"{url}/api/ask", json={"question": "What are its side effects?",
                                                          "session": first.json()["session"]})
                assert follow.status_code == 200 and follow.json()["new_conversation"] is False
                assert follow.json()["searched_for"] == "What are betacel side effects?"
                servers = {first.headers["x-bot-server"], follow.headers["x-bot-server"]}
                assert len(servers) == 1, f"{address}'s conversation moved between instances"
                seen.setdefault(servers.pop(), set()).add(address)
        assert len(seen) == 2, f"only one instance answered: {seen}"

        # The page's chat through nginx: the queue's event stream and the follow-up both work.
        from gradio_client import Client

        chat = Client(url, verbose=False, download_files=False, httpx_kwargs={"timeout": TIMEOUT})
        chat.predict("What is betacel?", api_name="/chat")
        _, history = chat.predict("What are its side effects?", api_name="/chat")
        assert len(history) == 4 and "hepatotoxicity" in str(history[-1]["content"]).lower()
