#!/usr/bin/env bash
# Set up and run every check: ruff, mypy, and the whole test suite on SQLite and PostgreSQL.
# PostgreSQL (127.0.0.1:5432, user postgres) is started first if it is down; with CI=true the
# PostgreSQL tests must run: a missing server fails them, it never skips them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(pg_lsclusters -h | awk '{print $1; exit}')" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
fi
# the page tests drive Debian's chromium (Playwright, executable_path) and look at Chinese pages:
# install the browser and a CJK font when they are missing (with CI=true a missing browser fails
# the page tests, it never skips them)
if ! command -v chromium >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "installing chromium and fonts-noto-cjk (apt-get)"
    { apt-get install -y chromium fonts-noto-cjk || { apt-get update && apt-get install -y chromium fonts-noto-cjk; }; } \
      >/tmp/spotcheck-apt.log 2>&1 || echo "apt-get failed (log: /tmp/spotcheck-apt.log)" >&2
  else
    echo "chromium or a CJK font is missing: apt-get install chromium fonts-noto-cjk (as root)" >&2
  fi
fi
.venv/bin/ruff check .
.venv/bin/mypy
# both cores: the suite in two worker processes (pytest-xdist); expensive fixtures are built
# once per worker and copied for each test
.venv/bin/python -m pytest -n 2 "$@"
