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
.venv/bin/ruff check .
.venv/bin/mypy
# both cores: the suite in two worker processes (pytest-xdist); expensive fixtures are built
# once per worker and copied for each test
.venv/bin/python -m pytest -n 2 "$@"
