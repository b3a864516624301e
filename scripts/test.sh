#!/usr/bin/env bash
# README command two: set up (Chromium and redis-server included) and run the linter and the
# whole test suite. Extra arguments go to pytest. TEST_DATABASE_URL names a PostgreSQL server
# to run on (in a database of the run's own); the Redis tests start their own redis-server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check .
exec .venv/bin/pytest "$@"
