"""``spotcheck draw …`` and ``spotcheck calendar …``: the draw ceremony (摇号仪式) on the command line.

A thin adapter over :class:`ledger.services.ceremony.Ceremony`: each step loads the draw, does one
ceremony step, syncs the log when the signing key is at hand, and prints what it recorded and what
became public. ``show`` and ``list`` print only the public view of a draw (hashes, counts, the
entropy plan, commitments), never a selected unit. Errors are one message naming the field and the
rule, with exit status 2; a refusal the rules record (a wrong reveal, a second seed) is logged
before the failure is reported.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn
from uuid import UUID

import typer

from api.cli.catalog import COMMANDS
from api.cli.support import command_group, fail, opened_ledger, print_value, say, synced
from api.errors import exit_status
from api.language import current, t
from api.words import stratum, word

if TYPE_CHECKING:
    from ledger.domain.agency import Agency
    from ledger.domain.draw import Draw
    from ledger.services.ceremony import Ceremony
    from ledger.services.ledger import Ledger

draw_app = command_group(COMMANDS["draw"].help)
calendar_app = command_group(COMMANDS["calendar"].help)

DrawId = Annotated[str, typer.Argument(help="e.g. 652301-2026Q1-units")]
K = Annotated[int, typer.Option("--k", help="the source's number in the entropy plan (1, 2, …)")]
JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON")]


def _fail(message: str) -> NoReturn:
    fail(message)


@contextmanager
def _ceremony() -> Iterator[tuple[Ledger, Ceremony]]:
    """The opened ledger and its ceremony; a refused step that was recorded is logged, then fails."""
    from ledger.services.ceremony import Ceremony, CeremonyError
    with opened_ledger() as ledger:
        try:
            yield ledger, Ceremony(ledger.app, ledger.settings.keys_dir)
        except CeremonyError as exc:
            from api.error_text import message
            recorded = ledger.sync(require_keys=False).new_leaves
            say(message(exc) + (t(f" ({recorded} event(s) logged)", f"（已记入 {recorded} 个事件）")
                                if recorded else ""))
            raise typer.Exit(exit_status(exc)) from None


def _day(option: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"{option}: {text!r} is not a date YYYY-MM-DD")


# -- freeze ----------------------------------------------------------------------------------------
@draw_app.command("freeze")
def draw_freeze(
    agency: Annotated[str, typer.Option("--agency", help="the agency's division code")],
    period: Annotated[str, typer.Option(help="the quarter, e.g. 2026Q1")],
    on: Annotated[str, typer.Option("--on", help="the freeze date YYYY-MM-DD (inside the window)")],
    kind: Annotated[str, typer.Option(help="units (the inspection list) or audit (a prefecture's "
                                      "draw of the counties it audits)")] = "units",
    witness: Annotated[list[str] | None, typer.Option(
        "--witness", help="a witness who commits then reveals (repeat; announced in this order)")]
    = None,
    dice: Annotated[str | None, typer.Option(help="a witnessed dice roll, announced after the "
                                             "witnesses")] = None,
    external: Annotated[str | None, typer.Option(help="a pre-announced public value, announced "
                                                 "last")] = None,
    load_cap: Annotated[int, typer.Option(help="most units per officer (0: no cap)")] = 0,
) -> None:
    """Freeze the draw's inputs (冻结) inside the draw window, announcing the entropy plan."""
    from ledger.services.ceremony import entropy_plan
    plan = entropy_plan(witness or [], dice, external)
    with _ceremony() as (ledger, ceremony):
        draw = ceremony.freeze(agency, period, _day("--on", on), plan, kind=kind, load_cap=load_cap)
        units = sum(s["population"] for s in draw.strata.values())
        logged = synced(ledger)
        typer.echo(t(f"frozen: {draw.draw_id}, {units} in the population, {len(draw.strata)} "
                     f"stratum/strata, {len(draw.exclusions)} exclusion(s), window "
                     f"{draw.window['start']}..{draw.window['end']}{logged}",
                     f"已冻结：{draw.draw_id}，抽查对象总体 {units} 个，{len(draw.strata)} 个分层，"
                     f"排除 {len(draw.exclusions)} 个，抽查窗口 {draw.window['start']} 至 "
                     f"{draw.window['end']}{logged}"))
        typer.echo(t("  public: the four input files' hashes, the strata counts, the entropy plan "
                     f"({_plan_text(draw)}); "
                     f"the draw key is {ceremony.keys.path(draw.draw_id)} (mode 0600, never in the "
                     "database)",
                     f"  公开内容：四个输入文件的哈希、各分层数量、熵源计划（{_plan_text(draw)}）；"
                     f"抽查密钥在 {ceremony.keys.path(draw.draw_id)}（权限 0600，从不存入数据库）"))


def _plan(draw: Draw) -> list[tuple[int, dict[str, str]]]:
    return list(enumerate(draw.entropy_plan, start=1))


def _plan_text(draw: Draw) -> str:
    return "; ".join(f"{n}. {word('entropy', source['kind'])} {source['name']}"
                     for n, source in _plan(draw))


# -- the seed ceremony -----------------------------------------------------------------------------
@draw_app.command("commit")
def draw_commit(
    draw_id: DrawId, k: K,
    witness: Annotated[str, typer.Option(help="the witness's name")],
    role: Annotated[str, typer.Option(help="e.g. 纪检监察干部, 公证员")],
    commitment: Annotated[str, typer.Option(help="SHA-256 of the witness's value (64 hex digits)")],
) -> None:
    """A witness's commitment (见证人承诺), before any value is revealed."""
    with _ceremony() as (ledger, ceremony):
        ceremony.commit(draw_id, k, witness, role, commitment)
        logged = synced(ledger)
        typer.echo(t(f"recorded: witness {k} commitment ({witness}, {role}){logged}",
                     f"已记录：第 {k} 个熵源的见证人承诺（{witness}，{role}）{logged}"))
        typer.echo(t("  public: the commitment hash; the value stays with the witness until the "
                     "reveal", "  公开内容：承诺哈希；值由见证人保管，揭示前不公开"))


@draw_app.command("commitment")
def draw_commitment(
    value: Annotated[str, typer.Argument(help="the value the witness chose (keep it secret until "
                                               "the reveal)")],
) -> None:
    """Print a witness's commitment to VALUE (SHA-256 of its UTF-8 bytes), computed here, offline."""
    from verify.draw import commitment_of
    if "|" in value or "\n" in value or "\r" in value:
        _fail("VALUE: an entropy value may not contain | or a line break (SPOTCHECK-DRAW §3)")
    typer.echo(commitment_of(value))
    typer.echo(t("  give this to the operator for `spotcheck draw commit … --commitment`; keep VALUE "
                 "secret until the reveal, then type it exactly as here.\n"
                 "  computing it yourself: `printf %s 'VALUE' | sha256sum` — not `echo VALUE | "
                 "sha256sum`, which hashes a trailing newline too and gives another commitment.",
                 "  把它交给经办人用于 `spotcheck draw commit … --commitment`；VALUE 在揭示前请保密，"
                 "揭示时须与这里一字不差。\n"
                 "  自己计算：`printf %s 'VALUE' | sha256sum`——不要用 `echo VALUE | sha256sum`，"
                 "它会把行尾的换行符一起计算，得到另一个承诺值。"),
               err=True)


@draw_app.command("reveal")
def draw_reveal(
    draw_id: DrawId, k: K,
    value: Annotated[str, typer.Option(help="the value the witness committed to")],
) -> None:
    """A witness's reveal (揭示), checked against the commitment; a mismatch is recorded."""
    with _ceremony() as (ledger, ceremony):
        ceremony.record_source(draw_id, k, "witness", value)
        logged = synced(ledger)
        typer.echo(t(f"recorded: witness {k} reveal, matching its commitment{logged}",
                     f"已记录：第 {k} 个熵源的见证人揭示，与其承诺一致{logged}"))
        typer.echo(t("  public: that it matched; the value is sealed until disclosure",
                     "  公开内容：揭示与承诺一致；值在公开前密封"))


@draw_app.command("dice")
def draw_dice(
    draw_id: DrawId, k: K,
    digits: Annotated[str, typer.Option(help="the digits rolled, in order")],
    witnessed_by: Annotated[list[str], typer.Option(
        "--witnessed-by", help="who watched the roll (repeat)")],
) -> None:
    """The witnessed dice roll (现场掷骰), after every witness has revealed."""
    with _ceremony() as (ledger, ceremony):
        ceremony.record_source(draw_id, k, "dice", digits, witnessed_by)
        logged = synced(ledger)
        typer.echo(t(f"recorded: dice roll (source {k}), witnessed by {', '.join(witnessed_by)}"
                     f"{logged}",
                     f"已记录：掷骰（第 {k} 个熵源），见证人 {'、'.join(witnessed_by)}{logged}"))
        typer.echo(t("  public: who witnessed it; the digits are sealed until disclosure",
                     "  公开内容：见证人；数字在公开前密封"))


@draw_app.command("external")
def draw_external(
    draw_id: DrawId, k: K,
    value: Annotated[str, typer.Option(help="the pre-announced public value")],
) -> None:
    """The pre-announced public value (外部公开值), after every witness has revealed."""
    with _ceremony() as (ledger, ceremony):
        ceremony.record_source(draw_id, k, "external", value)
        logged = synced(ledger)
        typer.echo(t(f"recorded: external value (source {k}){logged}",
                     f"已记录：外部公开值（第 {k} 个熵源）{logged}"))
        typer.echo(t("  public: that it was recorded; the value is sealed until disclosure",
                     "  公开内容：已记录；值在公开前密封"))


@draw_app.command("seed")
def draw_seed(
    draw_id: DrawId, by: Annotated[str, typer.Option(help="who derives the seed")],
) -> None:
    """Derive the draw's one seed (种子) from every announced source; a second attempt is recorded."""
    with _ceremony() as (ledger, ceremony):
        draw = ceremony.derive_seed(draw_id, by)
        logged = synced(ledger)
        typer.echo(t(f"recorded: the seed of {draw_id}{logged}",
                     f"已记录：{draw_id} 的种子{logged}"))
        typer.echo(t(f"  public: the seed commitment SHA-256(SEED) = {draw.seed_commitment}; "
                     "the seed is sealed until disclosure",
                     f"  公开内容：种子承诺 SHA-256(SEED) = {draw.seed_commitment}；种子在公开前密封"))


@draw_app.command("block")
def draw_block(
    draw_id: DrawId,
    reason: Annotated[str, typer.Option(help="e.g. 见证人2未按时揭示")],
    by: Annotated[str, typer.Option(help="who records it")],
    detail: Annotated[str, typer.Option(help="more detail (published)")] = "",
) -> None:
    """Stop a draw for good (a witness never revealed): the period needs a new ruling."""
    with _ceremony() as (ledger, ceremony):
        ceremony.block(draw_id, reason, detail, by)
        logged = synced(ledger)
        typer.echo(t(f"recorded: {draw_id} blocked ({reason}){logged}",
                     f"已记录：{draw_id} 终止（{reason}）{logged}"))
        typer.echo(t("  public: the reason and who recorded it", "  公开内容：终止原因和记录人"))


# -- run and fix -----------------------------------------------------------------------------------
@draw_app.command("run")
def draw_run(draw_id: DrawId) -> None:
    """Draw the units and assign the teams (sealed; their hashes are fixed)."""
    with _ceremony() as (ledger, ceremony):
        draw = ceremony.run(draw_id)
        assert draw.drawn is not None
        logged = synced(ledger)
        typer.echo(t(f"recorded: the draw of {draw_id}, selected {_counts(draw.drawn['selected'])}"
                     f"{logged}",
                     f"已记录：{draw_id} 的抽取，抽中 {_counts(draw.drawn['selected'])}{logged}"))
        typer.echo(t(f"  public: the counts and the hashes (selection {draw.drawn['selection_hash']}, "
                     f"assignment {draw.drawn['assignment_hash']}); the list is sealed",
                     f"  公开内容：数量和哈希（抽取结果 {draw.drawn['selection_hash']}，"
                     f"分组 {draw.drawn['assignment_hash']}）；名单密封"))


@draw_app.command("fix")
def draw_fix(
    draw_id: DrawId,
    by: Annotated[str, typer.Option(help="who fixes the list (e.g. 局务会)")],
    on: Annotated[str, typer.Option("--on", help="YYYY-MM-DD")],
) -> None:
    """Fix the list (确定): from now on it changes only by amendments with reason and approver."""
    with _ceremony() as (ledger, ceremony):
        draw = ceremony.fix(draw_id, by, _day("--on", on))
        assert draw.fixed is not None
        logged = synced(ledger)
        typer.echo(t(f"recorded: the list of {draw_id} fixed by {by} on {on}{logged}",
                     f"已记录：{draw_id} 的名单由 {by} 于 {on} 确定{logged}"))
        typer.echo(t("  public: the list hash ", "  公开内容：名单哈希 ") + draw.fixed["list_hash"])


@draw_app.command("amend")
def draw_amend(
    draw_id: DrawId,
    replace_unit: Annotated[str | None, typer.Option(
        help="a selected unit that is closed or relocated (credit code)")] = None,
    recuse: Annotated[str | None, typer.Option(
        help="the certificate of an officer who recuses (回避), with --unit")] = None,
    unit: Annotated[str | None, typer.Option(help="the unit the officer recuses from")] = None,
    reason: Annotated[str, typer.Option(help="why (required)")] = "",
    approved_by: Annotated[str, typer.Option(help="who approved it (required)")] = "",
) -> None:
    """Amend a fixed list: replace a closed unit, or fill a recusal; reason and approver required."""
    if (replace_unit is None) == (recuse is None) or (recuse is not None and unit is None):
        _fail("give --replace-unit CODE, or --recuse CERT --unit CODE")
    with _ceremony() as (ledger, ceremony):
        if replace_unit is not None:
            found = ceremony.replace_unit(draw_id, replace_unit, reason, approved_by)
            what = (t("unit replaced by the next alternate of its stratum",
                      "该单位由同一分层的下一个备选单位替换") if found
                    else t("unit withdrawn (no alternate left in its stratum)",
                           "该单位撤出（同一分层已无备选单位）"))
        else:
            assert recuse is not None and unit is not None
            ceremony.recuse(draw_id, unit, recuse, reason, approved_by)
            what = t("recusal filled by the next eligible officer", "由下一名符合条件的执法人员替补回避")
        logged = synced(ledger)
        typer.echo(t(f"recorded: amendment of {draw_id}: {what}, approved by {approved_by}"
                     f"{logged}",
                     f"已记录：{draw_id} 的名单变更：{what}，批准人 {approved_by}{logged}"))
        typer.echo(t("  public: the approver and the details' hash; the details are sealed",
                     "  公开内容：批准人和变更详情的哈希；详情密封"))


# -- secrecy, disclosure ---------------------------------------------------------------------------
@draw_app.command("tasks")
def draw_tasks(
    draw_id: DrawId,
    certificate: Annotated[str, typer.Option(help="the officer's certificate number")],
    why: Annotated[str, typer.Option(help="why it is opened (recorded)")],
    as_json: JsonFlag = False,
) -> None:
    """An officer's own tasks: each unit's name, address and code, and the team by name; nothing
    else. The opening is recorded."""
    from api.service.draws import task_row
    with _ceremony() as (ledger, ceremony):
        mine = ceremony.tasks_of(draw_id, certificate, why)
        suffix = synced(ledger)
        agency = ceremony.draw(draw_id).agency_id
        rows = [task_row(ledger.app, agency, unit, team) for unit, team in sorted(mine.items())]
        print_value(rows, as_json, lambda rs: "\n".join(
            [t(f"{len(rs)} task(s) of {certificate} (the opening is recorded{suffix})",
               f"{certificate} 的任务 {len(rs)} 项（本次查看已记录{suffix}）")]
            + [f"{r['name']}（{r['credit_code']}）\t{r['address']}\t"
               + "、".join(f"{o['name']}（{o['certificate']}）" for o in r["officers"])
               for r in rs]))


@draw_app.command("export")
def draw_export(
    draw_id: DrawId,
    out: Annotated[Path, typer.Option(help="an empty or new directory")],
    who: Annotated[str, typer.Option(help="who opens the sealed list (recorded)")],
    why: Annotated[str, typer.Option(help="why (recorded)")],
) -> None:
    """Write the spec's files of a draw (inputs, seed, selection, assignment); recorded. Until
    the draw is disclosed they are secret: the directory is made mode 700, the files mode 600."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        _fail(t(f"--out: {out} is not an empty directory", f"--out：{out} 不是空目录"))
    with _ceremony() as (ledger, ceremony):
        files = ceremony.files(draw_id)  # the key is needed: a missing one stops before recording
        ceremony.open_list(draw_id, who, why)
        out.mkdir(parents=True, exist_ok=True, mode=0o700)
        for name, data in files.items():
            _write_secret(out / name, data)
        logged = synced(ledger)
        typer.echo(t(f"wrote {len(files)} file(s) of {draw_id} to {out} "
                     f"({', '.join(sorted(files))}); the opening by {who} is recorded{logged}",
                     f"已把 {draw_id} 的 {len(files)} 个文件写入 {out}（{'、'.join(sorted(files))}）；"
                     f"{who} 的打开已记录{logged}"))


@draw_app.command("conflict-proof")
def draw_conflict_proof(
    draw_id: DrawId,
    inspector: Annotated[str, typer.Option(help="the officer's certificate number (inspector_id)")],
    unit: Annotated[str, typer.Option(help="the unit's credit code (unit_id)")],
    who: Annotated[str, typer.Option(help="who gives the proof, to whom (recorded)")],
    why: Annotated[str, typer.Option(help="why (recorded)")],
    out: Annotated[Path | None, typer.Option(help="write the proof here (default: print it)")] = None,
) -> None:
    """The proof of one declared conflict of a draw for a reviewer (回避证明): its salt, which
    `spotcheck-verify conflict-proof BUNDLE PROOF` checks against the commitments the run
    recorded, without showing the draw's other conflicts. Giving it out is recorded."""
    if out is not None and out.exists():
        _fail(f"--out: {out} exists; a proof is written to a new file")
    with _ceremony() as (ledger, ceremony):
        proof = ceremony.conflict_proof(draw_id, inspector, unit, who, why)
        text = json.dumps(proof.as_dict(), ensure_ascii=False, indent=2) + "\n"
        if out is None:
            typer.echo(text, nl=False)
        else:
            _write_secret(out, text.encode("utf-8"))
            logged = synced(ledger)
            typer.echo(t(f"wrote the conflict proof of {inspector} with {unit} ({draw_id}) to {out}; "
                         f"the opening by {who} is recorded{logged}",
                         f"已将 {inspector} 与 {unit} 的回避证明（{draw_id}）写入 {out}；{who} 的这次"
                         f"打开已记录在案{logged}"))


def _write_secret(path: Path, data: bytes) -> None:
    """A new file only its owner can read (mode 600 from its creation, whatever the umask)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)


@draw_app.command("record-sheet")
def draw_record_sheet(
    draw_id: DrawId,
    out: Annotated[Path, typer.Option(help="FILE.html: the page to print and sign")],
    who: Annotated[str, typer.Option(
        help="with --with-values before disclosure: who opens the sealed values (recorded)")] = "",
    why: Annotated[str, typer.Option(help="why (recorded)")] = "",
    with_values: Annotated[bool, typer.Option(
        "--with-values", help="print the revealed values and the dice digits (sealed until the list is "
        "disclosed: opening them before is recorded)")] = False,
) -> None:
    """The printable record of the draw ceremony (摇号记录) for the witnesses and the operator to
    sign: date, participants, commitments, sources recorded, seed commitment, list hash."""
    from projections.ceremony_record import ceremony_record_html
    lang = current()
    if out.suffix.lower() != ".html":
        _fail(t(f"--out: {out.name}: the record is an .html page (print it from a browser)",
                f"--out：{out.name}：摇号记录是 .html 页面（请用浏览器打印）"))
    with _ceremony() as (ledger, ceremony):
        draw = ceremony.draw(draw_id)
        values = None
        if with_values and draw.disclosed_key is not None:
            values = ceremony.open(draw_id).values
        elif with_values:
            if not who.strip() or not why.strip():
                _fail(t("--with-values: before disclosure the values are sealed; say --who opens "
                        "them and --why (the opening is recorded)",
                        "--with-values：公开前这些值是密封的；请用 --who 写明打开人、--why 写明理由"
                        "（打开会被记录）"))
            values = ceremony.open_list(draw_id, who, why, "ceremony values").values
        agency: Agency = ledger.app.repository.get(UUID(draw.agency_id))
        page = ceremony_record_html(draw, agency.name, values, lang)
        try:
            out.write_text(page, encoding="utf-8")
        except OSError as exc:
            _fail(f"--out: {out}: {exc.strerror or exc}")
        logged = synced(ledger)
        typer.echo(t(f"wrote the record of the ceremony of {draw_id} to {out}",
                     f"已把 {draw_id} 的摇号记录写入 {out}")
                   + (t(" (with the values; the opening is recorded" + logged + ")",
                        "（含揭示值；本次打开已记录" + logged + "）")
                      if values is not None and draw.disclosed_key is None else
                      "" if values is not None else t(" (values sealed)", "（值密封）")))


# -- the public view -------------------------------------------------------------------------------
@draw_app.command("show")
def draw_show(draw_id: DrawId, as_json: JsonFlag = False) -> None:
    """The public view of a draw: status, window, hashes, counts, plan, commitments (no list)."""
    from ledger.services.ceremony import public_summary
    with _ceremony() as (_, ceremony):
        view = public_summary(ceremony.draw(draw_id))
        print_value(view, as_json, _show_text)


@draw_app.command("list")
def draw_list(
    agency: Annotated[str | None, typer.Option("--agency", help="only this division code")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Every draw (or an agency's), with kind, status and selected counts."""
    from ledger.domain.agency import agency_id
    from ledger.services.ceremony import draw_row
    with _ceremony() as (ledger, ceremony):
        if agency is not None and agency_id(agency) not in ledger.app.repository:
            _fail(f"--agency: no agency with division code {agency} (see `spotcheck agency list`)")
        rows = [draw_row(ceremony.draw(name)) for name in ceremony.draw_ids(agency)]
        print_value(rows, as_json, lambda rs: "\n".join(
            f"{r['draw_id']}\t{word('draw_status', r['status'])}\t{_counts(r['selected'] or {})}"
            for r in rs))


def _show_text(view: dict[str, Any]) -> str:
    if current() == "zh":
        return _show_text_zh(view)
    lines = [f"{view['draw_id']}\t{view['status']}\t(rulebook {view['rulebook']})",
             f"window\t{view['window']['start']}..{view['window']['end']}, frozen on "
             f"{view['frozen_on']}"]
    lines += [f"file {name}\tsha256 {f['sha256']}\t{f['bytes']} bytes"
              for name, f in view["files"].items()]
    lines += [f"stratum {s}\tpopulation {c['population']}, required {c['required']}, "
              f"drawn {c['size']}" for s, c in view["strata"].items()]
    lines.append(f"exclusions\t{view['exclusions']}")
    recorded = set(view["entropy_recorded"])
    lines += [f"source {s['k']}\t{s['kind']} {s['name']}"
              + ("\trecorded" if s["k"] in recorded else "") for s in view["entropy_plan"]]
    lines += [f"commitment {c['k']}\t{c['witness']} ({c['role']})\t{c['commitment']}"
              for c in view["commitments"]]
    lines += [f"reveal refused\tsource {r['k']}: {r['reason']}" for r in view["refused_reveals"]]
    waiting = [c["k"] for c in view["commitments"] if c["k"] not in recorded]
    if waiting and not view["blocked"]:
        lines.append(f"awaiting reveal\tsource(s) {', '.join(map(str, waiting))}: a witness who can "
                     f"no longer reveal stops the draw for good: `spotcheck draw block "
                     f"{view['draw_id']} --reason … --by …`, then freeze a new draw")
    lines.append(f"seed commitment\t{view['seed_commitment'] or '(not yet)'}")
    if view["drawn"]:
        lines.append(f"selected\t{_counts(view['drawn']['selected'])}")
    if view["fixed"]:
        lines.append(f"fixed\t{view['fixed']['list_hash']}\tby {view['fixed']['fixed_by']} "
                     f"on {view['fixed']['fixed_on']}")
    amendments = view["amendments"]
    lines.append(f"amendments\t{amendments['count']}"
                 + (f" (approved by {', '.join(amendments['approved_by'])})"
                    if amendments["count"] else ""))
    lines += [f"opened\tby {o['who']}: {o['what']} ({o['why']})" for o in view["openings"]]
    if view["blocked"]:
        lines.append(f"blocked\t{view['blocked']['reason']} (by {view['blocked']['recorded_by']})")
    return "\n".join(lines)


def _show_text_zh(view: dict[str, Any]) -> str:
    """:func:`_show_text` in Chinese."""
    from api.error_text import text
    lines = [f"{view['draw_id']}\t{word('draw_status', view['status'])}\t"
             f"（规则手册 {view['rulebook']}）",
             f"抽查窗口\t{view['window']['start']} 至 {view['window']['end']}，冻结日期 "
             f"{view['frozen_on']}"]
    lines += [f"文件 {name}\tsha256 {f['sha256']}\t{f['bytes']} 字节"
              for name, f in view["files"].items()]
    lines += [f"分层 {stratum(s)}\t数量 {c['population']}，应抽查 {c['required']}，"
              f"抽取 {c['size']}" for s, c in view["strata"].items()]
    lines.append(f"排除\t{view['exclusions']}")
    recorded = set(view["entropy_recorded"])
    lines += [f"熵源 {s['k']}\t{word('entropy', s['kind'])} {s['name']}"
              + ("\t已记录" if s["k"] in recorded else "") for s in view["entropy_plan"]]
    lines += [f"承诺 {c['k']}\t{c['witness']}（{c['role']}）\t{c['commitment']}"
              for c in view["commitments"]]
    lines += [f"揭示被拒\t熵源 {r['k']}：{text(r['reason'])}" for r in view["refused_reveals"]]
    waiting = [c["k"] for c in view["commitments"] if c["k"] not in recorded]
    if waiting and not view["blocked"]:
        lines.append(f"等待揭示\t熵源 {'、'.join(map(str, waiting))}：见证人若已无法揭示，本次抽查"
                     f"只能终止：`spotcheck draw block {view['draw_id']} --reason … --by …`，"
                     "然后重新冻结一次抽查")
    lines.append(f"种子承诺\t{view['seed_commitment'] or '（尚无）'}")
    if view["drawn"]:
        lines.append(f"抽中\t{_counts(view['drawn']['selected'])}")
    if view["fixed"]:
        lines.append(f"名单确定\t{view['fixed']['list_hash']}\t{view['fixed']['fixed_by']} 于 "
                     f"{view['fixed']['fixed_on']}")
    amendments = view["amendments"]
    lines.append(f"名单变更\t{amendments['count']} 次"
                 + (f"（批准人 {'、'.join(amendments['approved_by'])}）"
                    if amendments["count"] else ""))
    lines += [f"打开\t{o['who']}：{o['what']}（{o['why']}）" for o in view["openings"]]
    if view["blocked"]:
        lines.append(f"已终止\t{view['blocked']['reason']}（记录人 {view['blocked']['recorded_by']}）")
    return "\n".join(lines)


def _counts(selected: dict[str, int]) -> str:
    return t(", ", "，").join(f"{stratum(code)} {n}"
                             for code, n in sorted(selected.items())) or t("none", "无")


# -- the working-day calendar ----------------------------------------------------------------------
@calendar_app.command("record")
def calendar_record(
    agency: Annotated[str, typer.Option("--agency", help="the agency's division code")],
    year: Annotated[int, typer.Option(help="the year, e.g. 2026")],
    by: Annotated[str, typer.Option(help="who records it")],
    from_package: Annotated[bool, typer.Option(
        "--from-package", help="the schedule as the chinesecalendar package lists it")] = False,
    file: Annotated[Path | None, typer.Option(
        "--file", help="a schedule JSON file (year, days_off, working_weekends, source)")] = None,
) -> None:
    """Record one year's State Council holiday schedule for an agency (governs its draw windows)."""
    from ledger.domain.agency import agency_id
    if from_package == (file is not None):
        _fail(t("calendar: give --from-package or --file schedule.json",
                "请给出 --from-package 或 --file 节假日安排.json"))
    schedule = _package_schedule(year) if file is None else _file_schedule(file, year)
    with opened_ledger() as ledger:
        identity = agency_id(agency)
        if identity not in ledger.app.repository:
            _fail(f"--agency: no agency with division code {agency} (see `spotcheck agency list`)")
        stored: Agency = ledger.app.repository.get(identity)
        replaced = year in stored.working_calendar
        ledger.app.record_working_calendar(identity, schedule, by)
        logged = synced(ledger)
        typer.echo(t(f"recorded: the {year} working-day schedule of {agency} ({schedule['source']})"
                     + (", replacing the earlier record" if replaced else "") + logged,
                     f"已记录：{agency} 的 {year} 年工作日安排（{schedule['source']}）"
                     + ("，取代此前的记录" if replaced else "") + logged))


def _package_schedule(year: int) -> dict[str, Any]:
    from ledger.adapters.holiday_calendars import YearNotInPackage, schedules_from_package
    try:
        return schedules_from_package([year])[0].as_data()
    except YearNotInPackage as exc:
        _fail(str(exc))


def _file_schedule(path: Path, year: int) -> dict[str, Any]:
    from ledger.adapters.json_file import JsonFileError, read_json_file
    from verify.working_days import YearSchedule
    try:
        schedule = YearSchedule.from_data(read_json_file(path))
    except JsonFileError as exc:
        _fail(str(exc))
    except (ValueError, TypeError, KeyError) as exc:
        _fail(f"--file: {path}: {exc}")
    if schedule.year != year:
        _fail(t(f"--file: {path} is the schedule of {schedule.year}, not {year}",
                f"--file：{path} 是 {schedule.year} 年的安排，不是 {year} 年的"))
    return schedule.as_data()
