"""``spotcheck witness …``: this deployment as the witness of the logs below it (上级见证), and
``spotcheck log witness-…``: the witnesses an agency's log submits its checkpoints to.

The level above (a prefecture or province) creates its cosigner key once (``witness init``),
adds the log of each county it witnesses by the county's verifier key (``witness add-log``), and
serves ``POST /witness/add-checkpoint`` with ``spotcheck serve``. Each county names its witness
(``log witness-add --url https://<prefecture>/witness --key witness.vkey``); its sequencer then
submits every new checkpoint. ``witness status`` and ``log status`` show how far each got.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from api.cli.catalog import COMMANDS
from api.cli.support import command_group, expected_errors, opened_ledger, print_value
from api.language import t

if TYPE_CHECKING:
    from ledger.log.witness import WitnessStore
    from ledger.services.ledger import Ledger

witness_app = command_group(COMMANDS["witness"].help)


def _key_text(value: str) -> str:
    """A key given as a file path or as the key text itself."""
    path = Path(value)
    if "+" not in value or path.exists():
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise typer.BadParameter(t(f"{value}: cannot be read: {exc}",
                                       f"{value}：无法读取（{exc}）")) from None
    return value.strip()


@witness_app.command("init")
def witness_init(
    name: Annotated[str, typer.Option(help="the witness's name, e.g. 652300.spotcheck.gov.cn/witness")],
) -> None:
    """Create this deployment's witness (cosigner) key: witness/witness.key (mode 600) and
    witness/witness.vkey (give it to the logs you witness). Prints the verifier key."""
    from ledger.adapters.settings import Settings
    from ledger.log.witness import init_witness_key

    with expected_errors():
        signer = init_witness_key(Settings.from_environ().keys_dir, name)
    typer.echo(signer.verifier_key_text())


@witness_app.command("add-log")
def witness_add_log(
    key: Annotated[str, typer.Option(help="the log's verifier key (a file, e.g. log.vkey, or the "
                                     "key text); its name is the log's origin")],
    note: Annotated[str, typer.Option(help="who the log is, for people")] = "",
) -> None:
    """Witness a log: cosign its checkpoints, each only if it extends the last one cosigned."""
    with opened_ledger() as ledger, expected_errors():
        added = _store(ledger).add_log(_key_text(key), note)
    typer.echo(t(f"witnessing log {added.origin} ({len(added.keys)} key(s))",
                 f"已开始见证日志 {added.origin}（{len(added.keys)} 把密钥）"))


@witness_app.command("status")
def witness_status(
    as_json: Annotated[bool, typer.Option("--json", help="as JSON")] = False,
    refusals: Annotated[int, typer.Option(help="how many of the latest refusals to show")] = 20,
) -> None:
    """The logs witnessed here: the size last cosigned and when, and the refusals kept as
    evidence (a rolled-back or forked log)."""
    from ledger.log.witness import load_witness_key

    with opened_ledger() as ledger, expected_errors():
        store = _store(ledger)
        key = load_witness_key(ledger.settings.keys_dir)
        value: dict[str, Any] = {"witness": None if key is None else key.verifier_key_text(),
                 "logs": store.logs(), "refusals": store.refusals(limit=refusals)}

    def text(v: dict[str, Any]) -> str:
        lines = [t(f"witness: {v['witness'] or 'none (spotcheck witness init)'}",
                   f"见证方：{v['witness'] or '未创建（请运行 spotcheck witness init）'}")]
        for row in v["logs"]:
            lines.append(t(f"  {row['origin']}: cosigned size {row['cosigned_size']} at "
                           f"{row['cosigned_at'] or '-'}; {row['refusals']} refusal(s)",
                           f"  {row['origin']}：已联署至第 {row['cosigned_size']} 条（"
                           f"{row['cosigned_at'] or '-'}）；拒绝 {row['refusals']} 次"))
        for r in v["refusals"]:
            lines.append(t(f"  refused {r['received_at']} {r['origin']} size {r['tree_size']} "
                           f"old {r['old_size']}: {r['status']} {r['reason']}",
                           f"  已拒绝 {r['received_at']} {r['origin']}：大小 {r['tree_size']}，"
                           f"此前 {r['old_size']}：{r['status']} {_reason(r['reason'])}"))
        return "\n".join(lines)

    print_value(value, as_json, text)


@witness_app.command("export")
def witness_export(
    out: Annotated[Path, typer.Option(help="the directory to write (created if missing)")],
    origin: Annotated[str | None, typer.Option(help="one log's origin (default: every log)")]
    = None,
) -> None:
    """Write every checkpoint cosigned here (OUT/<division code or origin>/<size>.note, with the
    log's signature and this witness's cosignature) and every refusal kept (refused-<n>.txt, the
    whole request): what `spotcheck-verify audit BUNDLE… --received OUT/*/*.note` checks the
    counties' bundles against."""
    with opened_ledger() as ledger, expected_errors():
        store = _store(ledger)
        cosigned = store.cosigned(origin)
        refused = store.refusals(origin, limit=1_000_000)
    for name, size, note in cosigned:
        directory = out / _directory(name)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{size}.note").write_text(note, encoding="utf-8", newline="")
    for n, refusal in enumerate(reversed(refused), start=1):
        directory = out / _directory(refusal["origin"])
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"refused-{n}.txt").write_text(
            f"status {refusal['status']}: {refusal['reason']}\nreceived {refusal['received_at']}"
            f"\n\n{refusal['request']}", encoding="utf-8", newline="")
    typer.echo(t(f"wrote {len(cosigned)} cosigned checkpoint(s) and {len(refused)} refusal(s) to "
                 f"{out}", f"已将 {len(cosigned)} 个联署的检查点和 {len(refused)} 次拒绝写入 {out}"))


def _reason(reason: str) -> str:
    """A refusal's reason (the witness protocol's English) in the reader's language."""
    from api.error_text import rule_zh
    return t(reason, rule_zh(reason) or reason)


def _directory(origin: str) -> str:
    """``652301.spotcheck.gov.cn/spotcheck`` → ``652301``; any other origin, made a file name."""
    head = origin.split(".", 1)[0]
    if len(head) == 6 and head.isdigit():
        return head
    return "".join(c if c.isalnum() or c in "-._" else "_" for c in origin)


def _store(ledger: Ledger) -> WitnessStore:
    from ledger.log.store import PostgresLogStore
    from ledger.log.witness import WitnessStore

    store = ledger.store
    return WitnessStore(store.write, postgres=isinstance(store, PostgresLogStore), sql=store._sql)
