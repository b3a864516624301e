#!/usr/bin/env bash
# Set up everything Closeloop needs on a fresh Debian machine, installing only what is missing:
# system packages (CJK fonts, HarfBuzz subsetting for WeasyPrint; with --test, Chromium for
# the browser test, and redis-server and dovecot-imapd, which the tests start privately
# on free ports),
# the virtual environment, Python packages, translations, the schema and the letter fonts.
set -euo pipefail
cd "$(dirname "$0")/.."

with_test=0
case "${1:-}" in --test | --browser) with_test=1 ;; esac

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
need() { dpkg -s "$1" >/dev/null 2>&1 || missing+=("$1"); }
if command -v dpkg >/dev/null 2>&1; then
  need fonts-noto-cjk
  need libharfbuzz-subset0
  need libpango-1.0-0
  need libpangoft2-1.0-0
  python3 -c 'import ensurepip, venv' 2>/dev/null || need python3-venv
  if [ "$with_test" = 1 ]; then
    need chromium
    command -v redis-server >/dev/null 2>&1 || need redis-server
    need dovecot-imapd  # the mailbox tests start a private dovecot (never the system one)
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> installing system packages: ${missing[*]}"
    as_root apt-get update -q
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  python3 -m venv .venv
fi
stamp=.venv/.closeloop-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> installing Python packages"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".[test]"
  touch "$stamp"
fi

.venv/bin/pybabel compile -d translations 2>&1 | grep -v "^compiling" || true
export FLASK_APP=wsgi
.venv/bin/flask db upgrade >/dev/null 2>&1 || .venv/bin/flask db upgrade
.venv/bin/flask fonts build
