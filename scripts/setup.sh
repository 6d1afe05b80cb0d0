#!/usr/bin/env bash
# Create or refresh .venv/ in the project root. Quick when nothing changed:
# the install is skipped while pyproject.toml's hash matches the stamp.
# scripts/constraints.txt pins every dependency to the versions the figures were measured with.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
stamp=.venv/.bot-installed
want=$(sha256sum pyproject.toml scripts/setup.sh scripts/constraints.txt | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "setting up .venv (first run takes a few minutes)..." >&2
    .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 | grep -v '^WARNING: Location' >&2 || true
    # torch first, pinned: pip takes this version from the machine's local CPU wheel;
    # an unpinned torch would pull a multi-GB CUDA build.
    .venv/bin/python -m pip install -q --disable-pip-version-check torch==2.13.0 2>&1 | grep -v '^WARNING: Location' >&2 || true
    .venv/bin/python -m pip install -q --disable-pip-version-check -c scripts/constraints.txt -e '.[dev]' 2>&1 | grep -v '^WARNING: Location' >&2 || true
    .venv/bin/python -c 'import bot, torch, faiss, bm25s, gradio' # fail loudly if the install did not work
    echo "$want" > "$stamp"
fi
