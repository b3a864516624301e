#!/usr/bin/env bash
# Re-extract the UI strings and merge them into the zh_CN and en catalogues (then translate
# the new zh_CN entries and run scripts/setup.sh, which compiles them).
set -euo pipefail
cd "$(dirname "$0")/.."
# templates/_macros starts with an underscore, which pybabel skips unless told otherwise.
.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --ignore-dirs ".* __pycache__ .venv" \
  --no-location --sort-output -o translations/messages.pot .
.venv/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
