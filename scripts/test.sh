#!/usr/bin/env bash
# Set up .venv/ if needed, then run the linters and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False
.venv/bin/ruff check bot tests scripts bench
.venv/bin/mypy bot bench
.venv/bin/python -m pytest -q "$@"
