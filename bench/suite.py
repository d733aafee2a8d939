"""Every figure of the speed issue in one table: ``bash scripts/bench.sh [--full] [--readme]``.

Runs the benchmarks one after another, each in its own process (two at once on a 2-core machine
would measure each other), collects the figures each one wrote to ``bench/out/<name>.json``
(:meth:`common.Results.figure`) and prints one markdown table — figure, target, measured, ratio,
pass/fail, and the load average when it was measured — under a description of the machine.
``ratio`` says how far the target is met: target / measured for a time or a cost, measured /
target for a throughput; 1.00 or more passes.

* quick (default, about 2 minutes): small sizes of every benchmark, for a change that touches a
  measured path;
* ``--full``: the sizes of the published figures (about 7 minutes once the province-year's
  ledger is cached in ``bench/out/``; its first generation takes another 6 or so);
* ``--readme``: also write the table into ``bench/README.md`` (between its markers).

The machine is shared: the table gives the 1-minute load average at the start of each figure,
and the share of the CPUs' time the hypervisor gave to other guests while its benchmark ran
(``steal`` in /proc/stat: a virtual machine's CPUs slow down with no load of its own, and the same
code measured 48,000 and 71,000 events/s within the hour); a figure measured under a load above
the number of cores, or with more than 5 % stolen, is marked, and should be measured again.
Where a benchmark records it, the last column gives the same figure in CPU time (user + system
of the benchmark's process and the children it waited for): less sensitive to the others' load
than the wall time the targets are judged on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
README = HERE / "README.md"
BEGIN, END = "<!-- bench.sh: begin -->", "<!-- bench.sh: end -->"

QUICK: list[tuple[str, list[str]]] = [
    ("draw", ["draw.py", "--quick"]),
    ("append", ["append.py", "--events", "20000", "--single-events", "200"]),
    # (100,000 as in the full run: the check-ahead worker's start, ~0.05 s, is a fixed cost that a
    # smaller backlog pays more of per event; 30,000 integrate at ~45,000 leaves/s)
    ("integrate", ["integrate.py", "--events", "100000", "--backend", "sqlite",
                   "--batch-sizes", "20000"]),
    ("verify_bundle", ["verify_bundle.py", "--events", "30000", "--repeat", "2"]),
    ("writes", ["writes.py", "--quick"]),
]
FULL: list[tuple[str, list[str]]] = [
    ("draw", ["draw.py"]),
    ("append", ["append.py"]),
    ("integrate", ["integrate.py", "--backend", "sqlite"]),
    ("verify_bundle", ["verify_bundle.py"]),
    ("verify_province", ["verify_province.py"]),
    ("writes", ["writes.py"]),
]


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
        ram = f", {memory:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        ram = ""
    return (f"{model}, {os.cpu_count()} cores{ram}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}")


#: A figure measured while the hypervisor gave more than this share of the CPUs' time to other
#: guests (``steal`` in /proc/stat) is marked, as under a high load.
STOLEN_MARK = 0.05


def cpu_times() -> tuple[int, int] | None:
    """(stolen, all) time of every CPU so far, in clock ticks (the first line of /proc/stat:
    user, nice, system, idle, iowait, irq, softirq, steal); None where there is no such file."""
    try:
        fields = Path("/proc/stat").read_text(encoding="ascii").split("\n", 1)[0].split()[1:9]
    except OSError:
        return None
    ticks = [int(f) for f in fields]
    return (ticks[7] if len(ticks) > 7 else 0), sum(ticks)


def stolen(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """The share of the CPUs' time stolen by other guests between two :func:`cpu_times`."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def run(name: str, argv: list[str]) -> list[dict[str, object]]:
    out = OUT / f"{name}.json"
    out.unlink(missing_ok=True)
    print(f"== {name}: {' '.join(argv)} (load {os.getloadavg()[0]:.2f})", flush=True)
    started, ticks = time.perf_counter(), cpu_times()
    done = subprocess.run([sys.executable, str(HERE / argv[0]), *argv[1:]], cwd=HERE.parent,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds, share = time.perf_counter() - started, stolen(ticks, cpu_times())
    tail = "\n".join(done.stdout.splitlines()[-6:])
    if done.returncode != 0 or not out.exists():
        print(done.stdout[-3000:], flush=True)
        return [{"figure": f"{name} (the benchmark failed, exit {done.returncode})", "target": "-",
                 "measured": float("nan"), "unit": "", "ratio": 0.0, "pass": False,
                 "load": os.getloadavg()[0]}]
    print(f"   {seconds:.0f} s" + ("" if share is None else f", {share:.0%} of the CPUs' time "
          "stolen by other guests") + f"\n{tail}", flush=True)
    figures: list[dict[str, object]] = json.loads(out.read_text(encoding="utf-8"))["figures"]
    for figure in figures:
        figure["stolen"] = share
    return figures


def _number(value: float, unit: str) -> str:
    if value != value:
        return "-"
    if unit in ("events/s", "leaves/s"):
        return f"{value:,.0f} {unit}"
    if unit == "MiB":
        return f"{value:,.0f} MiB"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:.2f}{unit}"


def table(figures: list[dict[str, object]], cores: int) -> str:
    lines = ["| figure | target | measured | ratio | result | load | stolen | in CPU time |",
             "|---|---|---|---:|---|---:|---:|---|"]
    for f in figures:
        load = float(f["load"])  # type: ignore[arg-type]
        busy = " ⚠" if load > cores else ""
        share = f.get("stolen")
        taken = "" if share is None else f"{float(share):.0%}" + (  # type: ignore[arg-type]
            " ⚠" if float(share) > STOLEN_MARK else "")  # type: ignore[arg-type]
        cpu = f.get("cpu")
        in_cpu = "" if cpu is None else _number(float(cpu), str(f["unit"]))  # type: ignore[arg-type]
        lines.append(
            f"| {f['figure']} | {f['target']} | {_number(float(f['measured']), str(f['unit']))} "  # type: ignore[arg-type]
            f"| {float(f['ratio']):.2f} | {'pass' if f['pass'] else '**FAIL**'} | {load:.2f}{busy} "  # type: ignore[arg-type]
            f"| {taken} | {in_cpu} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the sizes of the published figures")
    parser.add_argument("--readme", action="store_true", help="write the table into bench/README.md")
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    args = parser.parse_args()
    plan = FULL if args.full else QUICK
    if args.only:
        plan = [p for p in plan if p[0] in args.only.split(",")]
    started = time.perf_counter()
    load_before = os.getloadavg()
    figures: list[dict[str, object]] = []
    for name, argv in plan:
        figures.extend(run(name, argv))
    cores = os.cpu_count() or 1
    mode = "full" if args.full else "quick"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = (f"`bash scripts/bench.sh{' --full' if args.full else ''}` ({mode}), {when}, "
              f"{time.perf_counter() - started:.0f} s. Machine: {machine()}. Load average "
              f"(1/5/15 min) at the start {load_before[0]:.2f} / {load_before[1]:.2f} / "
              f"{load_before[2]:.2f}, at the end {os.getloadavg()[0]:.2f}; ⚠ marks a figure "
              f"measured under a load above {cores}, or while other guests of the host took "
              f"more than {STOLEN_MARK:.0%} of the CPUs' time (stolen, from /proc/stat).")
    text = f"{header}\n\n{table(figures, cores)}\n"
    print()
    print(text)
    failed = sum(1 for f in figures if not f["pass"])
    print(f"{len(figures) - failed} of {len(figures)} figures meet their target.")
    if args.readme:
        readme = README.read_text(encoding="utf-8")
        if BEGIN in readme and END in readme:
            head, rest = readme.split(BEGIN, 1)
            tail = rest.split(END, 1)[1]
            README.write_text(f"{head}{BEGIN}\n{text}{END}{tail}", encoding="utf-8")
            print(f"written into {README.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
