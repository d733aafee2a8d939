"""``spotcheck``: the operators' command line (a thin adapter over the application and the log).

Storage comes from ``SPOTCHECK_DB`` (default ``./spotcheck.db``), the key from ``SPOTCHECK_KEYS``
(default ``./spotcheck-keys``). Errors are one line naming what is wrong, with exit status 2.
"""

from __future__ import annotations

import base64
import json
import signal
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from ledger.bootstrap import Ledger, StorageError
from ledger.checkpoint import CheckpointRefused
from ledger.cli_directories import register as register_directory_commands
from ledger.cli_support import fail, opened_ledger
from ledger.demo import write_county_demo
from ledger.export import ExportError, export_bundle
from ledger.keys import DEFAULT_ORIGIN, KeyFileError, KeyFiles
from ledger.observability import configure_logging
from ledger.proofs import ProofRequestError, consistency_proof, inclusion_proof
from ledger.sequencer import LogIntegrityError
from ledger.settings import Settings, SettingsError

app = typer.Typer(help="Spotcheck (双随机、一公开): the operators' command line.",
                  no_args_is_help=True, add_completion=False)
keys_app = typer.Typer(help="The log's signing key.", no_args_is_help=True)
log_app = typer.Typer(help="The transparency log: sync, status, proofs.", no_args_is_help=True)
checkpoint_app = typer.Typer(help="Signed checkpoints.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(log_app, name="log")
app.add_typer(checkpoint_app, name="checkpoint")
register_directory_commands(app)

EXPECTED_ERRORS = (StorageError, SettingsError, KeyFileError, ExportError, ProofRequestError,
                   LogIntegrityError, CheckpointRefused)
T = TypeVar("T")


def _fail(message: str) -> NoReturn:
    fail(message)


def _ledger() -> AbstractContextManager[Ledger]:
    return opened_ledger(EXPECTED_ERRORS)


def _guard(action: Callable[[], T]) -> T:
    try:
        return action()
    except EXPECTED_ERRORS as exc:
        _fail(str(exc))


@keys_app.command("init")
def keys_init(
    origin: Annotated[str, typer.Option(help="the log's origin, e.g. 652301.spotcheck.example/log")]
    = DEFAULT_ORIGIN,
    force: Annotated[bool, typer.Option(help="replace an existing key (a new log identity)")] = False,
) -> None:
    """Create the log's Ed25519 key (file mode 0600, outside the database)."""
    keys = KeyFiles(Settings.from_environ().keys_dir)
    signer = _guard(lambda: keys.init(origin, overwrite=force))
    typer.echo(f"created {keys.private} (private, mode 0600) and {keys.public}")
    typer.echo(signer.verifier_key_text())


@keys_app.command("show")
def keys_show() -> None:
    """Print the log's public key in the signed-note verifier-key format."""
    keys = KeyFiles(Settings.from_environ().keys_dir)
    typer.echo(_guard(keys.verifier_key_text))


@log_app.command("sync")
def log_sync() -> None:
    """Integrate every committed event into the log and sign a checkpoint."""
    with _ledger() as ledger:
        result = ledger.sync()
        typer.echo(f"integrated {result.new_leaves} event(s); log size {result.tree_size}; "
                   + (f"signed checkpoint {result.checkpoint.size}" if result.checkpoint
                      else "no new checkpoint needed"))


@log_app.command("follow")
def log_follow(
    interval: Annotated[float, typer.Option(help="seconds between syncs")] = 2.0,
    max_seconds: Annotated[float | None, typer.Option(help="stop after this long")] = None,
) -> None:
    """Run the sequencer: integrate new events and sign a checkpoint every INTERVAL seconds,
    until interrupted (Ctrl-C or SIGTERM finish the current batch, then stop)."""
    stopping: list[bool] = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    deadline = None if max_seconds is None else time.monotonic() + max_seconds

    def should_stop() -> bool:
        return bool(stopping) or (deadline is not None and time.monotonic() >= deadline)

    with _ledger() as ledger:
        try:
            total = ledger.follow(interval, should_stop)
        except KeyboardInterrupt:
            total = -1
        state = ledger.log.state()
        typer.echo(f"sequencer stopped; log size {state.size}"
                   + (f", {total} event(s) integrated this run" if total >= 0 else ""))


@log_app.command("status")
def log_status() -> None:
    """Show the log's size, root, position and latest checkpoint."""
    with _ledger() as ledger:
        state = ledger.log.state()
        latest = ledger.log.checkpoint()
        pending = len(ledger.log.unlogged_events())
        _print_json({
            "store": ledger.settings.describe(), "tree_size": state.size,
            "root": base64.b64encode(state.root).decode(), "position": state.position,
            "pending_events": pending, "latest_checkpoint": latest.size if latest else None,
        })


@log_app.command("prove")
def log_prove(
    index: Annotated[int, typer.Option(help="the leaf index to prove")],
    size: Annotated[int | None, typer.Option(help="tree size (default: latest checkpoint)")] = None,
) -> None:
    """An RFC 9162 inclusion proof of one leaf, as JSON."""
    with _ledger() as ledger:
        size = size or _latest_size(ledger)
        proof = inclusion_proof(ledger.log, index, size)
        _print_json({"leaf_index": proof.index, "tree_size": proof.size,
                     "leaf_hash": _b64(proof.leaf_hash), "proof": [_b64(h) for h in proof.hashes]})


@log_app.command("consistency")
def log_consistency(
    old: Annotated[int, typer.Option(help="the earlier tree size")],
    new: Annotated[int | None, typer.Option(help="the later size (default: latest checkpoint)")]
    = None,
) -> None:
    """An RFC 9162 consistency proof between two tree sizes, as JSON."""
    with _ledger() as ledger:
        new = new or _latest_size(ledger)
        proof = consistency_proof(ledger.log, old, new)
        _print_json({"size1": proof.size1, "size2": proof.size2,
                     "proof": [_b64(h) for h in proof.hashes]})


@checkpoint_app.command("show")
def checkpoint_show(
    size: Annotated[int | None, typer.Option(help="tree size (default: the latest)")] = None,
) -> None:
    """Print a stored signed checkpoint exactly as issued."""
    with _ledger() as ledger:
        stored = ledger.log.checkpoint(size)
        if stored is None:
            _fail("no checkpoint" + (f" of size {size}" if size else " yet: run `spotcheck log sync`"))
        sys.stdout.write(stored.note)


@checkpoint_app.command("list")
def checkpoint_list() -> None:
    """List every checkpoint issued: size, time, root."""
    with _ledger() as ledger:
        for stored in ledger.log.checkpoints():
            typer.echo(f"{stored.size}\t{stored.signed_at}\t{_b64(stored.root)}")


@app.command("export")
def export(out: Annotated[Path, typer.Option(help="an empty or new directory")]) -> None:
    """Write the self-contained audit bundle (reads only; changes nothing)."""
    with _ledger() as ledger:
        result = export_bundle(ledger, out, progress=_export_progress)
        typer.echo(f"exported {result.events} logged event(s), {result.unlogged} unlogged, "
                   f"{result.checkpoints} checkpoint(s) to {result.directory}")


@app.command("demo")
def demo(
    units: Annotated[int, typer.Option(help="inspection objects in the generated county")] = 300,
    seed: Annotated[int, typer.Option(help="the generator's seed")] = 2025,
    origin: Annotated[str, typer.Option(help="log origin if a key must be created")]
    = DEFAULT_ORIGIN,
) -> None:
    """Write a generated county and its prefecture under the seed 000 rulebooks, with the
    county's 2026 plan, creating the key and database it needs (run again: changes nothing)."""
    settings = Settings.from_environ()
    keys = KeyFiles(settings.keys_dir)
    if not keys.exists():
        _guard(lambda: keys.init(origin))
        typer.echo(f"created the log key in {keys.directory}")
    with _ledger() as ledger:
        summary = write_county_demo(ledger.app, seed=seed, units=units)
        result = ledger.sync()
        plan = summary.plan
        typer.echo(
            f"wrote {summary.agencies} agencies, {summary.units_added} inspection objects, "
            f"{summary.inspectors_added} inspectors, {summary.conflicts} declared conflicts, "
            f"{summary.rulebooks} rulebooks"
            + (f" and the {plan.year} plan ({plan.rulebook})" if plan else "")
            + f" to {settings.describe()}; log size {result.tree_size}, signed checkpoint "
            f"{result.checkpoint.size if result.checkpoint else '(unchanged)'}"
        )


def _latest_size(ledger: Ledger) -> int:
    latest = ledger.log.checkpoint()
    if latest is None:
        _fail("no checkpoint yet: run `spotcheck log sync` or pass --size")
    return latest.size


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _export_progress(events: int) -> None:
    typer.echo(f"  … {events:,} events exported", err=True)


def main() -> None:
    configure_logging()
    app()
