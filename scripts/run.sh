#!/usr/bin/env bash
# README command one: set up, create the demo tenants, start the app on http://127.0.0.1:5000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export FLASK_APP=wsgi
export PUBLIC_URL="${PUBLIC_URL:-http://${HOST:-127.0.0.1}:${PORT:-5000}}"
.venv/bin/flask demo seed
.venv/bin/flask demo accounts
exec .venv/bin/flask serve --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
