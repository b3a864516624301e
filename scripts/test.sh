#!/usr/bin/env bash
# README command two: set up (Chromium included) and run the linter and the whole test suite.
# Extra arguments go to pytest. TEST_DATABASE_URL / TEST_REDIS_URL point it at real servers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
.venv/bin/ruff check .
exec .venv/bin/pytest "$@"
