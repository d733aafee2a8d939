"""``spotcheck``: the operators' command line (a thin adapter over the application and the log).

Storage comes from ``SPOTCHECK_DB`` (default ``./spotcheck.db``), the key from ``SPOTCHECK_KEYS``
(default ``./spotcheck-keys``). Errors are one line naming what is wrong, with exit status 2.
"""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from api.language import current, t
from ledger.log import DEFAULT_LOG

if TYPE_CHECKING:
    from ledger.demo.county import (
        DemoQuarter,
    )
    from ledger.log.store import Log
    from ledger.services.export import ExportResult
    from ledger.services.ledger import Ledger
from api.cli.support import (
    LazyCommands,
    command_group,
    expected_errors,
    fail,
    opened_ledger,
    run_worker,
    stopped,
)

app = command_group("Spotcheck (双随机、一公开): the operators' command line.", cls=LazyCommands)
keys_app = command_group("The log's signing key.")
log_app = command_group("The transparency log: sync, status, proofs.")
checkpoint_app = command_group("Signed checkpoints.")
app.add_typer(keys_app, name="keys")
app.add_typer(log_app, name="log")
app.add_typer(checkpoint_app, name="checkpoint")



@app.callback()
def root(
    lang: Annotated[str | None, typer.Option(
        "--lang", metavar="zh|en",
        help="the language of output, help and errors: zh (简体中文, the default) or en; "
        "also the SPOTCHECK_LANG environment variable; may be given anywhere on the line")] = None,
) -> None:
    """Spotcheck (双随机、一公开): the operators' command line."""
    # the language is settled before any command is built (api.cli.support.settle_language)


LogOption = Annotated[str | None, typer.Option(
    "--log", help="the log: an agency's division code, or `ledger` (default: the only log)")]
T = TypeVar("T")


def _fail(message: str) -> NoReturn:
    fail(message)


def _ledger() -> AbstractContextManager[Ledger]:
    return opened_ledger()


def _guard(action: Callable[[], T]) -> T:
    with expected_errors():
        return action()


@keys_app.command("init")
def keys_init(
    log: Annotated[str, typer.Option(help="whose log: an agency's division code, or `ledger`")]
    = DEFAULT_LOG,
    origin: Annotated[str | None, typer.Option(
        help="the log's origin (an agency's log takes the origin the agency declared)")] = None,
    force: Annotated[bool, typer.Option(help="replace an existing key (a new log identity)")] = False,
) -> None:
    """Create a log's Ed25519 key (file mode 0600, outside the database)."""
    from ledger.adapters.settings import Settings
    from ledger.log.keys import DEFAULT_ORIGIN, KeyFiles
    if log == DEFAULT_LOG:
        keys = KeyFiles(Settings.from_environ().keys_dir)
        _guard(lambda: keys.init(origin or DEFAULT_ORIGIN, overwrite=force))
    else:
        with _ledger() as ledger:
            keys = ledger.init_key(log, origin, overwrite=force)
    typer.echo(t(f"created {keys.private} (private, mode 0600) and {keys.public}",
                 f"已创建 {keys.private}（私钥，权限 0600）和 {keys.public}"))
    typer.echo(_guard(keys.verifier_key_text))


@keys_app.command("rotate")
def keys_rotate(
    log: Annotated[str, typer.Option(help="the agency's division code (its log)")],
    reason: Annotated[str, typer.Option(help="why the key changes (recorded)")],
    by: Annotated[str, typer.Option(help="who rotates it (recorded)")],
    old_key_lost: Annotated[bool, typer.Option(
        "--old-key-lost", help="the key in force is lost or compromised: it endorses nothing")]
    = False,
) -> None:
    """Rotate a log's signing key, keeping the log: everything so far is signed by the old key,
    the rotation is recorded in the log (with the old key's handover), and the new key signs from
    the next checkpoint on. Old checkpoints keep verifying with the key that signed them."""
    with _ledger() as ledger:
        previous, new = ledger.rotate_key(log, reason, by, old_key_lost=old_key_lost)
        size = ledger.log(log).state().size
    typer.echo(t(f"rotated the key of log {log}: {previous} -> {new}; recorded and signed "
                 f"(log size {size})",
                 f"已轮换日志 {log} 的密钥：{previous} -> {new}；已记录并签名（日志大小 {size}）"))
    typer.echo(t(f"  publish the new verifier key to the auditors: {new}",
                 f"  请把新的核验公钥提供给审核方：{new}"))
    if old_key_lost:
        typer.echo(t("  the old key endorsed nothing: auditors must obtain the new key from you "
                     "directly, not from a bundle",
                     "  旧密钥未为新密钥背书：审核方须直接从你处取得新公钥，而不是从审计包中取得"))


@keys_app.command("show")
def keys_show(
    log: Annotated[str, typer.Option(help="an agency's division code, or `ledger`")] = DEFAULT_LOG,
) -> None:
    """Print a log's public key in the signed-note verifier-key format."""
    from ledger.adapters.settings import Settings
    from ledger.log.keys import KeyFiles
    keys = _guard(lambda: KeyFiles.for_log(Settings.from_environ().keys_dir, log))
    typer.echo(_guard(keys.verifier_key_text))


@log_app.command("sync")
def log_sync() -> None:
    """Integrate every committed event into its log and sign a checkpoint of each log."""
    with _ledger() as ledger:
        result = ledger.sync()
        typer.echo(t(f"integrated {result.new_leaves} event(s)",
                     f"已并入 {result.new_leaves} 个事件"))
        for name, size in result.sizes.items():
            issued = result.checkpoints.get(name)
            typer.echo(t(f"  log {name}: size {size}; ", f"  日志 {name}：大小 {size}；")
                       + (t(f"signed checkpoint {issued.size}", f"已签发检查点 {issued.size}")
                          if issued else t("no new checkpoint needed", "无需新的检查点")))


@log_app.command("follow")
def log_follow(
    interval: Annotated[float, typer.Option(help="seconds between syncs")] = 2.0,
    max_seconds: Annotated[float | None, typer.Option(help="stop after this long")] = None,
) -> None:
    """Run the sequencer: integrate new events and sign a checkpoint of each log every INTERVAL
    seconds, until interrupted (Ctrl-C or SIGTERM finish the current batch, then stop). One process
    leads; another one started beside it waits, and takes over when the first stops or dies."""
    from ledger.adapters.leadership import SEQUENCER

    with _ledger() as ledger:
        total = run_worker(ledger.settings, SEQUENCER, interval, max_seconds,
                           lambda stop: ledger.follow(interval, stop))
        sizes = ", ".join(f"{n} {s.size}" for n, s in ledger.store.logs().items())
        typer.echo(t(f"sequencer stopped; log sizes: {sizes or 'none'}",
                     f"排序器已停止；日志大小：{sizes or '无'}")
                   + stopped(total, t("event(s) integrated", "个事件已并入")))


@log_app.command("status")
def log_status(log: LogOption = None) -> None:
    """Show each log's size, root, origin and latest checkpoint, how far behind each of its
    witnesses is, and the sequencer's position."""
    with _ledger() as ledger:
        names = list(ledger.store.logs()) if log is None else [ledger.log(log).name]
        rows = []
        for name in names:
            chosen = ledger.log(name)
            state = chosen.state()
            latest = chosen.checkpoint()
            rows.append({
                "log": name, "origin": ledger.origin_of(name), "tree_size": state.size,
                "root": _b64(state.root), "latest_checkpoint": latest.size if latest else None,
                "key": ledger.keys(name).exists(), "witnesses": ledger.witnessing.status(name),
            })
        _print_json({
            "store": ledger.settings.describe(),
            "position": ledger.store.position().notification_id,
            "pending_events": len(ledger.store.unlogged_events()), "logs": rows,
        })


@log_app.command("witness-add")
def log_witness_add(
    log: Annotated[str, typer.Option(help="the agency's division code (its log)")],
    key: Annotated[str, typer.Option(help="the witness's cosigner verifier key (a file such as "
                                     "witness.vkey, or the key text)")],
    url: Annotated[str, typer.Option(help="the witness's submission prefix, e.g. "
                                     "https://prefecture.example/witness, or `local` (the "
                                     "witness of this deployment)")],
) -> None:
    """Submit each new checkpoint of a log to a witness (the level above, or a peer) and keep
    its cosignatures; the served checkpoint carries them."""
    from api.cli.witness import _key_text
    with _ledger() as ledger:
        ledger.log(log)
        added = _guard(lambda: ledger.witnessing.add(log, _key_text(key), url))
        done = ledger.witnessing.submit(force=True).get(log, {}).get(added.name, "up to date")
    typer.echo(t(f"log {log}: witness {added.name} at {added.url}: {done}",
                 f"日志 {log}：见证方 {added.name}（{added.url}）：{_outcome(done)}"))


def _outcome(outcome: str) -> str:
    """What a witness answered (``cosigned``, ``up to date``, ``409: …``), in Chinese."""
    from api.error_text import rule_zh
    said = {"cosigned": "已联署", "up to date": "已是最新"}.get(outcome)
    if said is not None:
        return said
    status, _, error = outcome.partition(": ")
    return f"失败（{status}）：{rule_zh(error) or error}"


@log_app.command("witness-submit")
def log_witness_submit() -> None:
    """Submit every log's latest checkpoint to each witness that has not cosigned it, now (no
    back-off), and show how far behind each witness is."""
    with _ledger() as ledger:
        done = ledger.witnessing.submit(force=True)
        for name in ledger.store.logs():
            for row in ledger.witnessing.status(name):
                outcome = done.get(name, {}).get(row["witness"], "up to date")
                typer.echo(t(f"log {name}: witness {row['witness']}: {outcome}; cosigned "
                             f"{row['cosigned_size']} of {row['checkpoint_size']}",
                             f"日志 {name}：见证方 {row['witness']}：{_outcome(outcome)}；已联署至第 "
                             f"{row['cosigned_size']} 条（共 {row['checkpoint_size']} 条）"))


@log_app.command("witness-remove")
def log_witness_remove(
    log: Annotated[str, typer.Option(help="the agency's division code (its log)")],
    name: Annotated[str, typer.Option(help="the witness's name")],
) -> None:
    """Stop submitting a log's checkpoints to a witness (its cosignatures so far are kept)."""
    with _ledger() as ledger:
        _guard(lambda: ledger.witnessing.remove(log, name))
    typer.echo(t(f"log {log}: no longer submitted to {name}",
                 f"日志 {log}：不再提交给见证方 {name}（已有的联署保留）"))


@log_app.command("prove")
def log_prove(
    index: Annotated[int, typer.Option(help="the leaf index to prove")],
    size: Annotated[int | None, typer.Option(help="tree size (default: latest checkpoint)")] = None,
    log: LogOption = None,
) -> None:
    """An RFC 9162 inclusion proof of one leaf, as JSON."""
    from ledger.log.proofs import inclusion_proof
    with _ledger() as ledger:
        chosen = ledger.log(log)
        size = size or _latest_size(chosen)
        proof = inclusion_proof(chosen, index, size)
        _print_json({"log": chosen.name, "leaf_index": proof.index, "tree_size": proof.size,
                     "leaf_hash": _b64(proof.leaf_hash), "proof": [_b64(h) for h in proof.hashes]})


@log_app.command("consistency")
def log_consistency(
    old: Annotated[int, typer.Option(help="the earlier tree size")],
    new: Annotated[int | None, typer.Option(help="the later size (default: latest checkpoint)")]
    = None,
    log: LogOption = None,
) -> None:
    """An RFC 9162 consistency proof between two tree sizes, as JSON."""
    from ledger.log.proofs import consistency_proof
    with _ledger() as ledger:
        chosen = ledger.log(log)
        new = new or _latest_size(chosen)
        proof = consistency_proof(chosen, old, new)
        _print_json({"log": chosen.name, "size1": proof.size1, "size2": proof.size2,
                     "proof": [_b64(h) for h in proof.hashes]})


@log_app.command("tiles")
def log_tiles(
    out: Annotated[Path, typer.Option(help="the directory to write (created if missing)")],
    log: LogOption = None,
) -> None:
    """Write a log as a C2SP tiled log (checkpoint, tile/…, tile/entries/…) to a directory, for
    any web server to serve as the log's prefix (reads only; changes nothing)."""
    from ledger.log.tiles import write_tiles

    with _ledger() as ledger:
        chosen = ledger.log(log)
        with ledger.store.read() as cur:
            checkpoint, files = _guard(lambda: write_tiles(
                cur, chosen.name, out, ledger.store._sql,
                progress=lambda n: typer.echo(t(f"  … {n:,} tiles written",
                                                f"  …… 已写入 {n:,} 个瓦片"), err=True)))
    typer.echo(t(f"wrote log {chosen.name} (checkpoint {checkpoint.size}) as {files} tile(s) and "
                 f"its checkpoint to {out}",
                 f"已将日志 {chosen.name}（检查点大小 {checkpoint.size}）写成 {files} 个瓦片及其检查点，"
                 f"存于 {out}"))


@app.command("receipt")
def receipt(
    index: Annotated[int, typer.Option(help="the event's index in the log")],
    out: Annotated[Path, typer.Option(help="the .tlog-proof file to write")],
    log: LogOption = None,
) -> None:
    """Write the receipt (C2SP tlog-proof@v1) of one event of a log, with its body: the index,
    the inclusion proof and the signed checkpoint with the witnesses' cosignatures."""
    from ledger.services.receipts import receipt_text

    with _ledger() as ledger:
        chosen = ledger.log(log)
        text = _guard(lambda: receipt_text(ledger, chosen.name, index))
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"--out {out}: cannot be written: {exc}")
    typer.echo(t(f"wrote the receipt of event {index} of log {chosen.name} to {out}",
                 f"已将日志 {chosen.name} 第 {index} 个事件的收据写入 {out}"))


@checkpoint_app.command("show")
def checkpoint_show(
    size: Annotated[int | None, typer.Option(help="tree size (default: the latest)")] = None,
    log: LogOption = None,
) -> None:
    """Print a stored signed checkpoint as issued, with the witnesses' cosignatures."""
    from ledger.log.tiles import cosignature_lines, with_cosignatures
    with _ledger() as ledger:
        chosen = ledger.log(log)
        stored = chosen.checkpoint(size)
        if stored is None:
            _fail(t("no checkpoint" + (f" of size {size}" if size else
                                       " yet: run `spotcheck log sync`"),
                    f"没有大小为 {size} 的检查点" if size else
                    "还没有检查点：请运行 `spotcheck log sync`"))
        with ledger.store.read() as cur:
            lines = cosignature_lines(cur, chosen.name, stored.size, ledger.store._sql)
        sys.stdout.write(with_cosignatures(stored.note, lines))


@checkpoint_app.command("list")
def checkpoint_list(log: LogOption = None) -> None:
    """List every checkpoint issued: size, time, root."""
    with _ledger() as ledger:
        for stored in ledger.log(log).checkpoints():
            typer.echo(f"{stored.size}\t{stored.signed_at}\t{_b64(stored.root)}")


@app.command("export")
def export(
    out: Annotated[Path, typer.Option(help="an empty or new directory")],
    log: LogOption = None,
    public: Annotated[bool, typer.Option(
        "--public", help="the public bundle: every entry and checkpoint, the bodies of the "
        "events the rules make public only, no personal data (公开核验包)")] = False,
    all_logs: Annotated[bool, typer.Option(
        "--all-logs", help="the audit bundle of every log, each to OUT/<log>, all from one "
        "consistent view (for the level above: `spotcheck-verify audit OUT/*`)")] = False,
    jobs: Annotated[int | None, typer.Option(
        min=1, help="with --all-logs: processes (default: 2 where two CPUs are free; a large "
        "export gives whole logs to the second)")] = None,
) -> None:
    """Write the self-contained audit bundle of one log (reads only; changes nothing); with
    --public, the public bundle anyone may hold; with --all-logs, every log's."""
    from functools import partial

    from ledger.services.export import ExportError, export_bundle, export_bundles
    from ledger.services.public_bundle import export_public_bundle
    from verify.parallel import available_cpus
    if all_logs and (log is not None or public):
        other = "--log" if log is not None else "--public"
        with expected_errors():
            raise ExportError(t(
                f"--all-logs: writes every log's audit bundle; it cannot be combined with {other}",
                f"--all-logs：导出每个日志的审计包，不能与 {other} 同用"))
    if jobs is not None and not all_logs:
        with expected_errors():
            raise ExportError(t(
                "--jobs: the processes of an export of every log; it needs --all-logs (one log "
                "is written by one process)",
                "--jobs：导出全部日志时使用的进程数，须与 --all-logs 同用（单个日志由一个进程写出）"))
    with _ledger() as ledger:
        if all_logs:
            from api.bootstrap import open_ledger
            results = export_bundles(ledger, out, progress=_export_log_progress,
                                     written=_exported_log, jobs=jobs or available_cpus(),
                                     reopen=partial(open_ledger, ledger.settings))
            total = sum(result.events for result in results)
            typer.echo(t(f"exported {len(results)} log(s), {total} logged event(s) in all, to {out}",
                         f"共导出 {len(results)} 个日志、{total} 个已记入日志的事件到 {out}"))
            return
        if public:
            done = export_public_bundle(ledger, out, log, progress=_export_progress)
            typer.echo(t(f"exported the public bundle of log {done.log} to {done.directory}: "
                         f"{done.events} log entries, {done.bodies} with their public body, "
                         f"{done.withheld} withheld (personal data or internal records), "
                         f"{done.checkpoints} checkpoint(s), {done.draws} draw(s)",
                         f"已将日志 {done.log} 的公开核验包写入 {done.directory}：日志条目 "
                         f"{done.events} 条，其中 {done.bodies} 条附公开正文，{done.withheld} 条不公开正文"
                         f"（个人信息或内部记录），检查点 {done.checkpoints} 个，抽取 {done.draws} 次"))
            return
        result = export_bundle(ledger, out, log, progress=_export_progress)
        typer.echo(t(f"exported {result.events} logged event(s), {result.unlogged} unlogged, "
                     f"{result.checkpoints} checkpoint(s) of log {result.log} to {result.directory}",
                     f"已把日志 {result.log} 的 {result.events} 个已记入日志的事件、{result.unlogged} "
                     f"个未记入的事件和 {result.checkpoints} 个检查点导出到 {result.directory}"))


@app.command("demo")
def demo(
    units: Annotated[int, typer.Option(help="inspection objects in the generated county")] = 300,
    seed: Annotated[int, typer.Option(help="the generator's seed")] = 2025,
) -> None:
    """Write a generated county and its prefecture under the seed 000 rulebooks, with the
    county's 2026 plan, the 2025-2026 holiday schedules and the 2026Q1 draws (the county's units,
    the prefecture's audit), then the county's quarter (a record of every visit, follow-up, every
    result published, the list unsealed), creating the database and each agency's log key it needs
    (run again: changes nothing)."""
    from api.bootstrap import Spotcheck
    from ledger.adapters.settings import Settings
    from ledger.demo.county import (
        DEMO_CODES,
        DEMO_PLAN_YEAR,
        run_demo_draws,
        run_demo_quarter,
        write_county_demo,
    )
    settings = Settings.from_environ()
    with _ledger() as ledger:
        summary = write_county_demo(ledger.app, seed=seed, units=units)
        for code in summary.agency_codes:
            if not ledger.keys(code).exists():
                keys = ledger.init_key(code)
                typer.echo(t(f"created the log key of {code} in {keys.directory}",
                             f"已在 {keys.directory} 创建 {code} 的日志密钥"))
        witness = _guard(lambda: _demo_witness(ledger))
        typer.echo(t(f"the county's log {DEMO_CODES['county']} is witnessed by {witness}",
                     f"县级日志 {DEMO_CODES['county']} 由上级见证：{witness}"))
        spotcheck = Spotcheck(ledger)
        draws = _guard(lambda: run_demo_draws(ledger.app, ledger.settings.keys_dir))
        quarter = _guard(lambda: run_demo_quarter(spotcheck.ceremony, spotcheck.inspections))
        result = ledger.sync()
        citizen = citizen_view(spotcheck.public.agency_pages(DEMO_CODES["county"], DEMO_PLAN_YEAR))
        plan = summary.plan
        typer.echo(t(
            f"wrote {summary.agencies} agencies, {summary.units_added} inspection objects, "
            f"{summary.inspectors_added} inspectors, {summary.conflicts} declared conflicts, "
            f"{summary.rulebooks} rulebooks"
            + (f" and the {plan.year} plan ({plan.rulebook})" if plan else "")
            + f" to {settings.describe()}",
            f"已写入 {summary.agencies} 个机构、{summary.units_added} 个检查对象、"
            f"{summary.inspectors_added} 名执法人员、{summary.conflicts} 项申报的利害关系、"
            f"{summary.rulebooks} 部规则手册"
            + (f"和 {plan.year} 年度计划（{plan.rulebook}）" if plan else "")
            + f"，存入 {settings.describe('zh')}"))
        for code in summary.agency_codes:
            issued = result.checkpoints.get(code)
            checkpoint = issued.size if issued else t("(unchanged)", "（未变）")
            cosigned = t(", ", "，").join(
                t(f"{w['witness']} cosigned {w['cosigned_size']}",
                  f"{w['witness']} 已联署 {w['cosigned_size']}")
                for w in ledger.witnessing.status(code))
            typer.echo(t(f"  log {code} ({ledger.origin_of(code)}): size "
                         f"{result.sizes.get(code, 0)}, signed checkpoint {checkpoint}"
                         + (f"; {cosigned}" if cosigned else ""),
                         f"  日志 {code}（{ledger.origin_of(code)}）：大小 "
                         f"{result.sizes.get(code, 0)}，已签名检查点 {checkpoint}"
                         + (f"；{cosigned}" if cosigned else "")))
        for drawn in draws:
            from api.words import stratum, word
            selected = t(", ", "，").join(f"{stratum(s)} {n}" for s, n in sorted(drawn.selected.items()))
            typer.echo(t(f"  draw {drawn.draw_id}: {drawn.status}{'' if drawn.ran else ' (already)'}"
                         f", selected {selected or 'none'}; list hash {drawn.list_hash}",
                         f"  抽查 {drawn.draw_id}：{word('draw_status', drawn.status)}"
                         f"{'' if drawn.ran else '（此前已完成）'}，抽中 {selected or '无'}；"
                         f"名单哈希 {drawn.list_hash}"))
        for line in _quarter_lines(quarter, citizen):
            typer.echo(line)


def _demo_witness(ledger: Ledger) -> str:
    """The demo's prefecture as the witness of its county's log, on this same deployment: its
    cosigner key (made once), the county's log among those it witnesses, and the county's log
    submitting to it (``local``). Returns the witness's verifier key."""
    from ledger.demo.county import DEMO_CODES
    from ledger.log.store import PostgresLogStore
    from ledger.log.witness import WitnessStore, init_witness_key, load_witness_key

    keys_dir = ledger.settings.keys_dir
    prefecture, county = DEMO_CODES["prefecture"], DEMO_CODES["county"]
    configured = ledger.witnessing.witnesses(county)
    if any(w.url != "local" for w in configured):  # a real witness was named: leave it so
        return ", ".join(w.key for w in configured)
    signer = load_witness_key(keys_dir) or init_witness_key(
        keys_dir, f"{str(ledger.origin_of(prefecture)).split('/', 1)[0]}/witness")
    store = ledger.store
    WitnessStore(store.write, postgres=isinstance(store, PostgresLogStore), sql=store._sql
                 ).add_log(ledger.keys(county).verifier_key_text(), "演示县 (the demo county)")
    ledger.witnessing.add(county, signer.verifier_key_text(), "local")
    return signer.verifier_key_text()


@dataclass(frozen=True)
class CitizenView:
    """What a citizen sees of the demo's year on the public pages (``spotcheck public show``)."""

    year_list: int
    categories: dict[str, int]  # of the published results
    withheld: list[tuple[str, str, str]]  # unit name, field, what is shown instead
    tasks: int  # units in the disclosed task notices
    fixed_lists: int


def citizen_view(pages: dict[str, Any]) -> CitizenView:
    categories: dict[str, int] = {}
    withheld: list[tuple[str, str, str]] = []
    for result in pages["results"]:
        categories[result["category"]] = categories.get(result["category"], 0) + 1
        withheld += [(str(result["unit"]), field, str(value)) for field, value in result.items()
                     if str(value).startswith("已作区分处理")]
    return CitizenView(
        year_list=len(pages["plan"]["units_under_supervision"]), categories=categories,
        withheld=withheld, tasks=sum(len(t["tasks"]) for t in pages["tasks"]),
        fixed_lists=len(pages["fixed_lists"]))


def _quarter_lines(q: DemoQuarter, c: CitizenView) -> list[str]:
    """The demo quarter, then what a citizen sees of it (a summary of `spotcheck public show`)."""
    code = q.draw_id.split("-", 1)[0]
    special = ", ".join(q.under_special_supervision)
    if current() == "zh":
        return _quarter_lines_zh(q, c, code, special)
    lines = [
        f"  quarter {q.draw_id}: {q.records} record(s)"
        + (f" ({q.filed_now} filed now)" if q.filed_now else " (already)")
        + f", {q.recusals} recusal(s) granted at a visit, {q.orders} order(s) to correct, "
        f"{q.rectified} rectified" + (f" (still under special supervision: {special})" if special else ""),
    ]
    lines += [f"  late: the record of {name} was filed on {filed}, due {due}: {days} working day(s) "
              "late (flagged in the record; the public pages do not show it)"
              for name, filed, due, days in q.late]
    lines += [
        f"  what a citizen sees (spotcheck public show --agency {code} --year 2026):",
        f"    抽查结果公告: {sum(c.categories.values())} result(s): "
        + ", ".join(f"{k} {n}" for k, n in sorted(c.categories.items(), key=lambda kn: -kn[1])),
    ]
    lines += [f"    withheld: {field} of {unit}, shown as {shown}" for unit, field, shown in c.withheld]
    lines += [f"    抽查任务公告: {c.tasks} unit(s) with their teams"
              + ("" if q.list_disclosed else " (the list is still sealed)"),
              f"    抽查计划公告: the 2026 plan and its list of {c.year_list} supervised unit(s); "
              f"已确定的抽查名单: {c.fixed_lists}"]
    return lines


def _quarter_lines_zh(q: DemoQuarter, c: CitizenView, code: str, special: str) -> list[str]:
    lines = [
        f"  季度 {q.draw_id}：检查记录 {q.records} 份"
        + (f"（本次填报 {q.filed_now} 份）" if q.filed_now else "（此前已完成）")
        + f"，现场准予回避 {q.recusals} 次，责令改正 {q.orders} 项，已整改 {q.rectified} 项"
        + (f"（仍为特殊监管对象：{special}）" if special else ""),
    ]
    lines += [f"  逾期：{name} 的检查记录于 {filed} 填报，期限 {due}：逾期 {days} 个工作日"
              "（记录中已标明；公开页面不显示）" for name, filed, due, days in q.late]
    lines += [
        f"  公众看到的内容（spotcheck public show --agency {code} --year 2026）：",
        f"    抽查结果公告：{sum(c.categories.values())} 条结果："
        + "，".join(f"{k} {n}" for k, n in sorted(c.categories.items(), key=lambda kn: -kn[1])),
    ]
    withheld = {"remarks": "备注", "penalty": "处罚", "case": "立案情况"}
    lines += [f"    不公开：{unit} 的{withheld.get(field, field)}，显示为“{shown}”"
              for unit, field, shown in c.withheld]
    lines += [f"    抽查任务公告：{c.tasks} 个单位及其检查组"
              + ("" if q.list_disclosed else "（名单仍在保密）"),
              f"    抽查计划公告：2026 年度计划及其 {c.year_list} 个监管对象的名录；"
              f"已确定的抽查名单：{c.fixed_lists}"]
    return lines


def _latest_size(chosen: Log) -> int:
    latest = chosen.checkpoint()
    if latest is None:
        _fail(t(f"log {chosen.name}: no checkpoint yet: run `spotcheck log sync` or pass --size",
                f"日志 {chosen.name} 还没有检查点：请运行 `spotcheck log sync` 或给出 --size"))
    return latest.size


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _export_progress(events: int) -> None:
    typer.echo(t(f"  … {events:,} events exported", f"  …… 已导出 {events:,} 个事件"), err=True)


def _exported_log(result: ExportResult) -> None:
    typer.echo(t(f"log {result.log}: {result.events} logged event(s), {result.unlogged} "
                 f"unlogged, {result.checkpoints} checkpoint(s) to {result.directory}",
                 f"日志 {result.log}：已记入日志的事件 {result.events} 个，未记入的 "
                 f"{result.unlogged} 个，检查点 {result.checkpoints} 个，已导出到 "
                 f"{result.directory}"))


def _export_log_progress(log: str, events: int) -> None:
    typer.echo(t(f"  … log {log}: {events:,} events exported", f"  …… 日志 {log}：已导出 {events:,} 个事件"),
               err=True)


def main() -> None:
    from ledger.adapters.observability import configure_logging
    configure_logging()
    app()
