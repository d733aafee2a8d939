#!/usr/bin/env bash
# Create ./.venv (if missing) and install Spotcheck into it, with the test tools when asked.
# Usage: scripts/setup.sh [test]. pip's output goes to .venv/setup.log, shown only on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
target=.
[ "${1:-}" = "test" ] && target='.[test]'
echo "setting up .venv (pip log: .venv/setup.log)"
if ! { .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip &&
       .venv/bin/python -m pip install --disable-pip-version-check -e "$target"; } \
     >.venv/setup.log 2>&1; then
  tail -n 40 .venv/setup.log >&2
  echo "scripts/setup.sh: pip install failed (full log: .venv/setup.log)" >&2
  exit 1
fi
