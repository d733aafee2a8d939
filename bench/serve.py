"""bench/serve.py — the HTTP service under load, as deployed (loopback only, bounded).

A deployment like a prefecture's: ``spotcheck serve --workers W`` beside one sequencer (``spotcheck
log follow``) and one projection worker (``spotcheck project run --follow``), on a fresh SQLite
file or PostgreSQL database holding the demo county after its quarter (``spotcheck demo``) and
more counties under the same prefecture, each with its operator account. Then:

1. **public reads** — C clients on keep-alive connections read the county's public pages and
   searches for S seconds (or N requests): requests per second, latency p50/p90/p99;
2. **mixed writes** — N clients × M writes, each an operator's directory update carrying a unique
   marker, spread over every county (several clients on the same units: conflicts are expected and
   answered 409); writes per second;
3. **checks** — once the sequencer and the projections have caught up: every county's bundle is
   exported and verified (``spotcheck-verify``), each accepted write's marker is in exactly one
   event, no refused write's marker is anywhere, and no log forked.

    python bench/serve.py --backend postgres --workers 2            # the figures
    python bench/serve.py --backend sqlite --quick                  # a smoke run

It binds 127.0.0.1 only and stops everything it started. The suite runs a small version of the
writes and checks (tests/test_serve_workers.py). State the machine's load (printed) with a figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
COUNTY, PREFECTURE = "652301", "652300"
#: Counties added under the demo's prefecture (GB/T 2260 codes of 昌吉州), with their names.
MORE_COUNTIES = (("652302", "阜康市"), ("652323", "呼图壁县"), ("652324", "玛纳斯县"))


# -- the deployment --------------------------------------------------------------------------------
@dataclass
class Deployment:
    """The processes serving one database, and the operators' tokens and units per county."""

    db: str
    keys_dir: Path
    workdir: Path
    port: int
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # county → operator token
    units: dict[str, list[str]] = field(default_factory=dict)  # county → credit codes

    @property
    def env(self) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("SPOTCHECK_")}
        return base | {"SPOTCHECK_DB": self.db, "SPOTCHECK_KEYS": str(self.keys_dir)}

    def spotcheck(self, *args: str) -> str:
        done = subprocess.run([str(BIN / "spotcheck"), *args], cwd=self.workdir, env=self.env,
                              capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"spotcheck {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(db: str, workdir: Path, units: int = 60, more_units: int = 30, *, demo: bool = True
            ) -> Deployment:
    """The demo county after its quarter (or, without ``demo``, the county and its prefecture with
    ``units`` units and nothing else), more counties with directories, an operator each."""
    from api.bootstrap import open_ledger
    from ledger.adapters.settings import Settings
    from ledger.demo.county import unit_rows
    from ledger.domain.agency import agency_id

    deployment = Deployment(db, workdir / "keys", workdir, free_port())
    if demo:
        deployment.spotcheck("demo", "--units", str(units))
    settings = Settings(db, deployment.keys_dir)
    ledger = open_ledger(settings)
    try:
        if not demo:
            ledger.app.establish_agency("昌吉回族自治州生态环境局", PREFECTURE, "prefecture")
            ledger.app.establish_agency("昌吉州生态环境局昌吉市分局", COUNTY, "county",
                                        agency_id(PREFECTURE))
            ledger.app.register_objects(agency_id(COUNTY), unit_rows(units))
            for code in (PREFECTURE, COUNTY):
                ledger.init_key(code)
        for code, name in MORE_COUNTIES:
            if agency_id(code) not in ledger.app.repository:
                ledger.app.establish_agency(f"昌吉州生态环境局{name}分局", code, "county",
                                            agency_id(PREFECTURE))
                ledger.app.register_objects(agency_id(code), unit_rows(more_units, name, code))
            if not ledger.keys(code).exists():
                ledger.init_key(code)
        ledger.sync()
        from ledger.services.directory_view import directories

        for code in (COUNTY, *(c for c, _ in MORE_COUNTIES)):
            deployment.units[code] = sorted(u.credit_code for u in
                                            directories(ledger.app, agency_id(code)).objects
                                            if u.in_directory)
    finally:
        ledger.close()
    for code in deployment.units:
        deployment.spotcheck("users", "add", f"op{code}", "--name", f"操作员{code}", "--role",
                             "operator", "--agency", code)
        deployment.tokens[code] = deployment.spotcheck("users", "token", f"op{code}").strip()
    return deployment


def start(deployment: Deployment, workers: int, *, access_log: bool = True) -> None:
    """``serve --workers W`` beside one sequencer and one projection worker; waits for /health."""
    def spawn(name: str, *args: str) -> None:
        log = (deployment.workdir / f"{name}.log").open("wb")
        deployment.processes[name] = subprocess.Popen(
            [str(BIN / "spotcheck"), *args], cwd=deployment.workdir, env=deployment.env,
            stdout=log, stderr=subprocess.STDOUT)

    spawn("serve", "serve", "--port", str(deployment.port), "--workers", str(workers),
          "--no-inline", "--access-log" if access_log else "--no-access-log")
    spawn("sequencer", "log", "follow", "--interval", "0.5")
    spawn("projections", "project", "run", "--follow", "--interval", "0.5")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            status, _ = asyncio.run(_one(deployment.port, "GET", "/health"))
            if status == 200:
                return
        except OSError:
            pass
        for name, process in deployment.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} stopped: see {deployment.workdir / (name + '.log')}")
        time.sleep(0.2)
    raise RuntimeError("the service did not answer /health within 120 s")


def stop(deployment: Deployment) -> None:
    for process in deployment.processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in deployment.processes.values():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def deployed(backend: str, workers: int, *, units: int = 60, access_log: bool = True,
             demo: bool = True, db: str | None = None) -> Iterator[Deployment]:
    """A prepared and started deployment on a new database (or on ``db``, which the caller made
    and drops), stopped and dropped afterwards."""
    with tempfile.TemporaryDirectory(prefix="spotcheck-serve-bench-") as tmp, \
            _database(backend, Path(tmp), db) as url:
        deployment = prepare(url, Path(tmp), units, demo=demo)
        try:
            start(deployment, workers, access_log=access_log)
            yield deployment
        finally:
            stop(deployment)


@contextmanager
def _database(backend: str, tmp: Path, given: str | None = None) -> Iterator[str]:
    if given is not None:
        yield given
        return
    if backend == "sqlite":
        yield str(tmp / "spotcheck.db")
        return
    import secrets

    import psycopg

    admin = os.environ.get("SPOTCHECK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"spotcheck_serve_{secrets.token_hex(6)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- a small HTTP/1.1 client (keep-alive; cheap, so that it leaves the cores to the server) --------
class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def request(self, method: str, path: str, body: Any = None,
                      token: str | None = None) -> tuple[int, bytes]:
        data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(data)}\r\n"
                + ("Content-Type: application/json\r\n" if body is not None else "")
                + (f"Authorization: Bearer {token}\r\n" if token else "") + "\r\n")
        self.writer.write(head.encode("latin-1") + data)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length, chunked = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        if not chunked:
            return status, await self.reader.readexactly(length)
        chunks = []
        while (size := int((await self.reader.readline()).strip(), 16)) > 0:
            chunks.append(await self.reader.readexactly(size))
            await self.reader.readline()
        await self.reader.readline()
        return status, b"".join(chunks)

    def close(self) -> None:
        self.writer.close()


async def _one(port: int, method: str, path: str) -> tuple[int, bytes]:
    connection = await Connection.open(port)
    try:
        return await connection.request(method, path)
    finally:
        connection.close()


# -- the workloads ---------------------------------------------------------------------------------
@dataclass
class Figures:
    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        values = sorted(self.latencies)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(fraction * len(values)))] * 1000


async def public_reads(port: int, paths: list[str], clients: int, seconds: float,
                       limit: int) -> Figures:
    """``clients`` connections reading ``paths`` in turn for ``seconds`` (at most ``limit``)."""
    figures = Figures()
    deadline = time.monotonic() + seconds

    async def client(n: int) -> None:
        connection = await Connection.open(port)
        i = n
        try:
            while time.monotonic() < deadline and figures.requests < limit:
                began = time.perf_counter()
                status, _ = await connection.request("GET", paths[i % len(paths)])
                figures.latencies.append(time.perf_counter() - began)
                figures.statuses[status] = figures.statuses.get(status, 0) + 1
                figures.requests += 1
                i += 1
        finally:
            connection.close()

    began = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    figures.seconds = time.perf_counter() - began
    return figures


@dataclass
class Writes:
    figures: Figures
    accepted: set[str]  # markers of the writes answered 200
    refused: set[str]  # markers of the writes answered 409 (nothing stored)


async def mixed_writes(deployment: Deployment, clients: int, writes: int, hot_units: int = 3
                       ) -> Writes:
    """``clients`` × ``writes`` directory updates by the operators, each with a unique marker, over
    every county, ``hot_units`` units per county (so that clients collide: 409)."""
    figures = Figures()
    accepted: set[str] = set()
    refused: set[str] = set()
    counties = sorted(deployment.units)

    async def client(n: int) -> None:
        connection = await Connection.open(deployment.port)
        try:
            for m in range(writes):
                code = counties[(n + m) % len(counties)]
                unit = deployment.units[code][(n * writes + m) % hot_units]
                marker = f"bench-{n}-{m}"
                began = time.perf_counter()
                status, body = await connection.request(
                    "POST", f"/api/agencies/{code}/entities/{unit}/changes",
                    {"change": "update", "reason": marker, "fields": {"address": marker}},
                    deployment.tokens[code])
                figures.latencies.append(time.perf_counter() - began)
                figures.statuses[status] = figures.statuses.get(status, 0) + 1
                figures.requests += 1
                if status == 200:
                    accepted.add(marker)
                elif status == 409:
                    refused.add(marker)
                else:
                    raise RuntimeError(f"write {marker}: HTTP {status}: {body[:300]!r}")
        finally:
            connection.close()

    began = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    figures.seconds = time.perf_counter() - began
    return Writes(figures, accepted, refused)


# -- the checks ------------------------------------------------------------------------------------
def caught_up(deployment: Deployment, timeout: float = 300) -> None:
    """Wait until the sequencer has logged every stored event and the projections have read them."""
    from api.bootstrap import open_ledger, open_runner
    from ledger.adapters.settings import Settings

    ledger = open_ledger(Settings(deployment.db, deployment.keys_dir))
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            head = ledger.app.recorder.max_notification_id() or 0
            with open_runner(ledger) as runner:
                behind = max(s.behind for s in runner.status())
            if ledger.store.position().notification_id >= head and not behind:
                return
            time.sleep(0.2)
        raise RuntimeError("the sequencer and the projections did not catch up")
    finally:
        ledger.close()


def check_bundles(deployment: Deployment, writes: Writes) -> dict[str, Any]:
    """Every county's bundle verifies; each accepted marker is in exactly one event of the right
    county, no refused marker anywhere; the log sizes equal the events stored."""
    found: dict[str, int] = {}
    verified = 0
    for code in sorted(deployment.units):
        out = deployment.workdir / f"bundle-{code}"
        deployment.spotcheck("export", "--log", code, "--out", str(out))
        done = subprocess.run([str(BIN / "spotcheck-verify"), str(out), "--quiet"],
                              capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"bundle {code} does not verify:\n{done.stdout}")
        verified += 1
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        if manifest["unlogged"] or manifest["events"] != manifest["tree_size"]:
            raise RuntimeError(f"bundle {code}: {manifest}")
        for line in (out / "events.jsonl").read_text(encoding="utf-8").splitlines():
            data = json.loads(line)["event"]["data"]
            reason = str(data.get("reason", ""))
            if reason.startswith("bench-"):
                found[reason] = found.get(reason, 0) + 1
                if data.get("actor", {}).get("agency") != code:
                    raise RuntimeError(f"{reason}: in the log of {code}, written by {data.get('actor')}")
    duplicated = sorted(m for m, n in found.items() if n > 1)
    lost = sorted(writes.accepted - set(found))
    stored_refusals = sorted(writes.refused & set(found))
    if duplicated or lost or stored_refusals:
        raise RuntimeError(f"duplicated {duplicated[:5]}, lost {lost[:5]}, refused yet stored "
                           f"{stored_refusals[:5]}")
    return {"bundles_verified": verified, "accepted": len(writes.accepted),
            "refused_409": len(writes.refused), "markers_logged": len(found)}


def read_paths() -> list[str]:
    return [f"/api/public/agencies/{COUNTY}/2026", "/api/public/search?q=&year=2026",
            f"/api/public/search?q=%E6%98%8C%E5%90%89&agency={COUNTY}",
            f"/api/public/agencies/{PREFECTURE}/2026"]


# -- main --------------------------------------------------------------------------------------------
def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--units", type=int, default=300, help="units of the demo county")
    parser.add_argument("--read-clients", type=int, default=32)
    parser.add_argument("--read-seconds", type=float, default=20.0)
    parser.add_argument("--read-limit", type=int, default=100_000)
    parser.add_argument("--write-clients", type=int, default=16)
    parser.add_argument("--writes", type=int, default=25, help="writes per client")
    parser.add_argument("--no-access-log", action="store_true")
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    args = parser.parse_args()
    if args.quick:
        args.units, args.read_seconds, args.write_clients, args.writes = 60, 3.0, 4, 5
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    rows = []
    for backend in backends:
        print(f"# {backend}: preparing (demo --units {args.units}, {len(MORE_COUNTIES)} more "
              f"counties) …", flush=True)
        with deployed(backend, args.workers, units=args.units,
                      access_log=not args.no_access_log) as deployment:
            caught_up(deployment)
            asyncio.run(public_reads(deployment.port, read_paths(), 4, 1.0, 200))  # warm up
            before = load()
            reads = asyncio.run(public_reads(deployment.port, read_paths(), args.read_clients,
                                             args.read_seconds, args.read_limit))
            print(f"# {backend}: public reads {reads.rate():,.0f}/s, p50 {reads.percentile(0.5):.1f} "
                  f"ms, p99 {reads.percentile(0.99):.1f} ms, statuses {reads.statuses} "
                  f"(load before {before}, after {load()})", flush=True)
            writes = asyncio.run(mixed_writes(deployment, args.write_clients, args.writes))
            print(f"# {backend}: writes {writes.figures.rate():,.1f}/s, p50 "
                  f"{writes.figures.percentile(0.5):.1f} ms, p99 {writes.figures.percentile(0.99):.1f}"
                  f" ms, statuses {writes.figures.statuses} (load {load()})", flush=True)
            caught_up(deployment)
            checked = check_bundles(deployment, writes)
            print(f"# {backend}: checks {checked}", flush=True)
            rows.append({"backend": backend, "workers": args.workers,
                         "reads_per_s": round(reads.rate()), "read_p50_ms": round(reads.percentile(0.5), 1),
                         "read_p99_ms": round(reads.percentile(0.99), 1), "reads": reads.requests,
                         "writes_per_s": round(writes.figures.rate(), 1),
                         "write_p99_ms": round(writes.figures.percentile(0.99), 1),
                         "writes": writes.figures.requests, **checked, "load_before": before,
                         "load_after": load()})
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / "serve.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
