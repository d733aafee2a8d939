"""Start-up time of the command line: ``spotcheck --help`` and two reads on a small ledger.

Runs each command ``--runs`` times in a new process against a ``spotcheck demo`` directory
(written first if ``--dir`` has none) and prints the median wall time and the median CPU time
(user + system of the child: less sensitive to other load on a shared machine).

The children run as an installed command runs: with ``PYTHONDONTWRITEBYTECODE`` removed from their
environment, after one warm-up call that writes the modules' bytecode. (This machine's shells set
it; with it, every call compiles some sixty of Spotcheck's modules from source, ~80 ms, which an
installation never pays. Pass ``--as-is`` to measure with the environment unchanged.)

    .venv/bin/python bench/cli_startup.py [--dir DIR] [--runs 9] [--bin .venv/bin]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 0.3
COMMANDS = (("--help",), ("draw", "list"), ("log", "status"))


def measure(binary: Path, args: tuple[str, ...], cwd: Path, runs: int,
            env: dict[str, str]) -> tuple[float, float]:
    walls, cpus = [], []
    subprocess.run([str(binary), *args], cwd=cwd, capture_output=True, check=False, env=env)
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([str(binary), *args], cwd=cwd, capture_output=True, check=False,
                              env=env)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            sys.exit(f"{binary} {' '.join(args)} failed: {done.stderr.decode()[-500:]}")
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--bin", type=Path, default=Path(sys.executable).parent)
    parser.add_argument("--as-is", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE if the environment sets it")
    args = parser.parse_args()
    env = dict(os.environ)
    if not args.as_is:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    binary = args.bin / "spotcheck"
    with tempfile.TemporaryDirectory() as tmp:
        cwd = args.dir or Path(tmp)
        if not (cwd / "spotcheck.db").exists():
            subprocess.run([str(binary), "demo", "--units", "60"], cwd=cwd, capture_output=True,
                           check=True)
        cached = "PYTHONDONTWRITEBYTECODE" not in env
        print(f"load average {os.getloadavg()[0]:.2f}; {args.runs} runs each; target {TARGET_S} s; "
              f"bytecode {'cached, as installed' if cached else 'NOT cached (compiled every call)'}")
        print("| command | wall (median) | CPU (median) |")
        print("|---|---:|---:|")
        for command in COMMANDS:
            wall, cpu = measure(binary, command, cwd, args.runs, env)
            print(f"| spotcheck {' '.join(command)} | {wall:.3f} s | {cpu:.3f} s |")


if __name__ == "__main__":
    main()
