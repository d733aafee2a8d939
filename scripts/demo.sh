#!/usr/bin/env bash
# The main job on the embedded default (SQLite, nothing to install): set up, then
# demo -> export -> verify in ./demo-run, printing what each step did.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
root=$PWD
rm -rf demo-run && mkdir demo-run && cd demo-run
echo "== spotcheck demo (a generated county and its prefecture under the seed 000 rulebooks, in $(pwd))"
"$root/.venv/bin/spotcheck" demo 2>demo.log
echo "== spotcheck export --log 652301 --out bundle (the county's own log)"
"$root/.venv/bin/spotcheck" export --log 652301 --out bundle 2>>demo.log
echo "== spotcheck-verify bundle --trusted-checkpoint (the checkpoint an auditor kept)"
"$root/.venv/bin/spotcheck" checkpoint show --log 652301 > kept-checkpoint.note 2>>demo.log
"$root/.venv/bin/spotcheck-verify" bundle --trusted-checkpoint kept-checkpoint.note \
  --key spotcheck-keys/652301/log.vkey --json report.json
echo "== spotcheck export --public --log 652301 --out public (what anyone may hold: no personal data)"
"$root/.venv/bin/spotcheck" export --public --log 652301 --out public 2>>demo.log
echo "== spotcheck-verify public (a citizen's check of the public bundle)"
"$root/.venv/bin/spotcheck-verify" public --key spotcheck-keys/652301/log.vkey
echo "(structured logs in demo-run/demo.log, the JSON report in demo-run/report.json)"
