#!/usr/bin/env bash
# Set up .venv/ if needed, install Debian's chromium for the browser tests if it is missing, then run the
# linters and the whole test suite. Works on a fresh machine with only Python and apt.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ ! -x /usr/bin/chromium ]; then
    echo "installing Debian's chromium for the browser tests (apt-get)" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    ($SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
        || echo "could not install chromium: the browser tests will fail (apt-get install chromium)" >&2
fi
# Debian's nginx for the scale-out test (tests/test_nginx.py); the test runs its own, on loopback.
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    echo "installing Debian's nginx for the scale-out test" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null) \
        || { sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; } \
        || echo "could not install nginx: tests/test_nginx.py will fail" >&2
    # Debian's package may start the system's own nginx on port 80: the tests never need it.
    if [ -f /run/nginx.pid ]; then nginx -s quit 2>/dev/null || true; fi
fi
export HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False
.venv/bin/ruff check bot tests scripts bench
.venv/bin/mypy bot bench
.venv/bin/python -m pytest -q "$@"
