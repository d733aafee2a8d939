"""Proof latency: ``ledger.log.proofs.inclusion_proof`` / ``consistency_proof`` on a large log.

Builds a log of ``--events`` leaves (default 1,000,000) fast: synthetic 32-byte entries
(SHA-256 of the leaf number; proofs never look at events), every complete subtree hash computed in
memory, then written through the LogStore API (``store.write()`` transactions with ``put_leaves``,
``put_nodes``, and ``set_state``). The in-memory tree is checked against ``verify.merkle.Frontier``.

Then, for ``--pairs`` random requests each (seeded), times one call in the ledger's own process:

* inclusion: random size in 1..N, random index below it;
* inclusion at the full size N (what ``spotcheck log prove`` serves for the latest checkpoint);
* consistency: random size2 in 2..N, random size1 below it;

and verifies every proof with ``verify.merkle.verify_inclusion`` / ``verify_consistency`` against
the root of that size computed independently (``hash_of_subtrees`` over the in-memory
``perfect_subtrees`` nodes), outside the timed part. Reported: mean, p50, p99 and max in ms.

    .venv/bin/python bench/proofs.py [--events 1000000] [--backend both] [--quick]
"""

from __future__ import annotations

import hashlib
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import (
    Results,
    backend_db,
    base_parser,
    percentile,
    quiet_logs,
    resolve_events,
    selected_backends,
    timed,
)

from ledger.adapters.settings import Settings
from ledger.log.proofs import consistency_proof, inclusion_proof
from ledger.log.store import STORED_FROM_LEVEL, LeafRow, LogState, LogStore, open_log_store
from verify.merkle import (
    Frontier,
    hash_of_subtrees,
    leaf_hash,
    node_hash,
    perfect_subtrees,
    verify_consistency,
    verify_inclusion,
)

LOG = "652301"  # the one agency log the benchmark fills
TARGET_MS = 5.0
WRITE_CHUNK = 50_000


class Tree:
    """Every complete subtree hash of a log of ``n`` synthetic entries: ``levels[l][i]``."""

    def __init__(self, n: int) -> None:
        sha = hashlib.sha256
        self.n = n
        self.entries = [sha(i.to_bytes(8, "big")).digest() for i in range(n)]
        self.levels = [[leaf_hash(e) for e in self.entries]]
        while len(self.levels[-1]) > 1:
            prev = self.levels[-1]
            self.levels.append([node_hash(prev[i], prev[i + 1]) for i in range(0, len(prev) - 1, 2)])
        frontier = Frontier()
        for h in self.levels[0]:
            frontier.append(h)
        if frontier.root() != self.root(n):
            raise SystemExit("the in-memory tree disagrees with verify.merkle.Frontier")

    def root(self, size: int) -> bytes:
        return hash_of_subtrees([self.levels[lv][i] for lv, i in perfect_subtrees(0, size)])

    def node_rows(self) -> list[tuple[int, int, bytes]]:
        """The rows the sequencer stores: every level from STORED_FROM_LEVEL up (the subtrees
        below are hashed from the leaves' entries when read, ledger.log.store)."""
        return [(lv, i, h) for lv, level in enumerate(self.levels)
                if lv >= STORED_FROM_LEVEL for i, h in enumerate(level)]


def write_tree(store: LogStore, tree: Tree) -> None:
    """Write leaves and nodes in chunked transactions, then the state (compare-and-set from 0)."""
    n = tree.n
    for start in range(0, n, WRITE_CHUNK):
        leaves = [
            LeafRow(i, f"00000000-0000-4000-8000-{i // 100:012x}", i % 100 + 1, i + 1,
                    tree.entries[i])
            for i in range(start, min(n, start + WRITE_CHUNK))
        ]
        with store.write() as cur:
            store.put_leaves(cur, LOG, leaves)
    nodes = tree.node_rows()
    for start in range(0, len(nodes), 2 * WRITE_CHUNK):
        with store.write() as cur:
            store.put_nodes(cur, LOG, nodes[start:start + 2 * WRITE_CHUNK])
    with store.write() as cur:
        store.set_state(cur, LOG, 0, LogState(n, tree.root(n)))


def measure(call: Callable[[], Any], check: Callable[[Any], None], repeat: int
            ) -> tuple[list[float], list[Any]]:
    times, outputs = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = call()
        times.append((time.perf_counter() - t0) * 1000)
        outputs.append(out)
    for out in outputs:
        check(out)
    return times, outputs


def summarise(results: Results, backend: str, case: str, times: list[float],
              hashes: list[int]) -> None:
    ordered = sorted(times)
    results.add(backend=backend, case=case, calls=len(times), mean_ms=statistics.fmean(times),
                p50_ms=percentile(ordered, 0.50), p99_ms=percentile(ordered, 0.99),
                max_ms=ordered[-1], hashes_per_proof=statistics.fmean(hashes) if hashes else None)


def run_backend(results: Results, backend: str, store: LogStore, tree: Tree, pairs: int,
                seed: int) -> None:
    n = tree.n
    log = store.log(LOG)
    rng = random.Random(seed)
    roots: dict[int, bytes] = {}

    def root(size: int) -> bytes:
        if size not in roots:
            roots[size] = tree.root(size)
        return roots[size]

    for _ in range(20):  # warm up the connection and the statement cache
        inclusion_proof(log, rng.randrange(n), n)
        consistency_proof(log, max(1, n // 2), n)

    def inclusion_case(name: str, requests: list[tuple[int, int]]) -> None:
        it = iter(requests)
        times, proofs = measure(lambda: inclusion_proof(log, *next(it)), lambda p: None,
                                len(requests))
        for p in proofs:
            expected = leaf_hash(tree.entries[p.index])
            if p.leaf_hash != expected:
                raise SystemExit(f"inclusion {p.index}/{p.size}: wrong leaf hash")
            verify_inclusion(expected, p.index, p.size, p.hashes, root(p.size))
        summarise(results, backend, name, times, [len(p.hashes) for p in proofs])

    sizes = [rng.randint(1, n) for _ in range(pairs)]
    inclusion_case("inclusion, random (index, size)", [(rng.randrange(s), s) for s in sizes])
    inclusion_case(f"inclusion, random index, size {n:,}", [(rng.randrange(n), n)
                                                            for _ in range(pairs)])

    requests = []
    for _ in range(pairs):
        size2 = rng.randint(2, n)
        requests.append((rng.randint(1, size2 - 1), size2))
    it = iter(requests)
    times, proofs = measure(lambda: consistency_proof(log, *next(it)), lambda p: None, pairs)
    for p in proofs:
        verify_consistency(p.size1, p.size2, p.hashes, root(p.size1), root(p.size2))
    summarise(results, backend, "consistency, random (size1, size2)", times,
              [len(p.hashes) for p in proofs])

    times, _ = measure(log.state, lambda s: None, pairs)
    summarise(results, backend, "  for reference: log.state() alone", times, [])


def main() -> None:
    parser = base_parser(__doc__.split("\n")[0], events=1_000_000, quick_events=20_000)
    parser.add_argument("--pairs", type=int, default=1000, help="requests per case (default 1000)")
    parser.add_argument("--seed", type=int, default=6962)
    args = parser.parse_args()
    quiet_logs()
    n = resolve_events(args)
    results = Results("proofs", args, leaves=n, pairs=args.pairs, seed=args.seed,
                      target_ms=TARGET_MS)
    print(f"computing a tree of {n:,} leaves in memory ...", flush=True)
    with timed() as t:
        tree = Tree(n)
    results.note(f"tree of {n:,} leaves computed in memory in {t[0]:.1f} s")
    for backend in selected_backends(args):
        with tempfile.TemporaryDirectory(prefix="spotcheck-bench-") as tmpdir:
            tmp = Path(tmpdir)
            with backend_db(backend, tmp, "log") as db:
                settings = Settings(db=db, keys_dir=tmp / "keys")
                table = "stored_events" if settings.postgres is None else "ledger_events"
                store = open_log_store(settings, table)
                try:
                    print(f"[{backend}] writing {n:,} leaves and their nodes ...", flush=True)
                    with timed() as t:
                        write_tree(store, tree)
                    results.note(f"{backend}: {n:,} leaves + {sum(map(len, tree.levels)):,} nodes "
                                 f"written through LogStore in {t[0]:.1f} s")
                    if store.state(LOG).root != tree.root(n):
                        raise SystemExit(f"{backend}: stored root differs")
                    print(f"[{backend}] timing proofs ...", flush=True)
                    run_backend(results, backend, store, tree, args.pairs, args.seed)
                finally:
                    store.close()
    worst = max(r["p99_ms"] for r in results.rows if not r["case"].startswith(" "))
    verdict = "meets" if worst < TARGET_MS else "MISSES"
    results.note(f"every proof verified; worst p99 {worst:.2f} ms {verdict} the < {TARGET_MS} ms "
                 "target")
    results.finish(["backend", "case", "calls", "mean_ms", "p50_ms", "p99_ms", "max_ms",
                    "hashes_per_proof"])


if __name__ == "__main__":
    main()
