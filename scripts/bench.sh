#!/usr/bin/env bash
# Every speed and memory figure in one markdown table (bench/suite.py): quick by default (about
# 2 minutes), `--full` for the published figures, `--readme` to write the table into
# bench/README.md. Run it when a change touches a measured path; quote its table.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || scripts/setup.sh test
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && command -v pg_ctlcluster >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$(pg_lsclusters -h | awk '{print $1; exit}')" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
exec .venv/bin/python bench/suite.py "$@"
