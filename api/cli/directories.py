"""``spotcheck agency|entities|inspectors|rulebook|plan``: the directories on the command line.

A thin adapter: each command resolves agencies by division code and units by credit code, calls
one application use case, syncs the log when the signing key is at hand, and prints a line (or
JSON with ``--json``). Errors are one message naming the field and the rule, with exit status 2.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, NoReturn
from uuid import UUID

import typer

from api.cli.catalog import COMMANDS
from api.cli.support import command_group, fail, opened_ledger, print_value, synced
from api.language import current, t
from api.words import quarter, value_of, word

if TYPE_CHECKING:
    from ledger.domain.agency import Agency
    from ledger.domain.directory import InspectionObject
    from ledger.domain.inspector import Inspector
    from ledger.domain.rulebook import Rulebook
    from ledger.services.imports import ImportResult
    from ledger.services.ledger import Ledger

agency_app = command_group(COMMANDS["agency"].help)
entities_app = command_group(COMMANDS["entities"].help)
inspectors_app = command_group(COMMANDS["inspectors"].help)
conflict_app = command_group("Declared conflicts of interest (利害关系).")
rulebook_app = command_group(COMMANDS["rulebook"].help)
inspectors_app.add_typer(conflict_app, name="conflict")

AgencyCode = Annotated[str, typer.Option("--agency", help="the agency's division code")]
JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON")]


def _fail(message: str) -> NoReturn:
    fail(message)


def _ledger() -> AbstractContextManager[Ledger]:
    return opened_ledger()


def _agency(ledger: Ledger, code: str) -> UUID:
    from ledger.domain.agency import agency_id
    identity = agency_id(code)
    if identity not in ledger.app.repository:
        _fail(f"--agency: no agency with division code {code} (see `spotcheck agency list`)")
    return identity


def _unit(ledger: Ledger, agency: str, credit_code: str, field: str = "credit_code") -> UUID:
    """The id of the agency's unit with ``credit_code``; a one-line error if it has none."""
    from ledger.domain.directory import object_id
    identity = object_id(str(_agency(ledger, agency)), credit_code)
    if identity not in ledger.app.repository:
        _fail(t(f"{field}: no inspection object with credit code {credit_code} in the directory of "
                f"agency {agency} (see `spotcheck entities list --agency {agency}`)",
                f"统一社会信用代码 {credit_code}：机关 {agency} 的检查对象名录中没有这个单位"
                f"（查看名录：spotcheck entities list --agency {agency}）"))
    return identity


# -- agencies --------------------------------------------------------------------------------------
@agency_app.command("add")
def agency_add(
    name: Annotated[str, typer.Option(help="e.g. 昌吉州生态环境局昌吉市分局")],
    code: Annotated[str, typer.Option(help="division code (GB/T 2260)")],
    kind: Annotated[str, typer.Option(help="province, prefecture, league, city, county, banner, "
                                      "district, park …")],
    parent: Annotated[str | None, typer.Option(help="the parent agency's division code")] = None,
    origin: Annotated[str, typer.Option(help="the agency's log origin")] = "",
) -> None:
    """Establish an agency under its parent."""
    kind = value_of("agency_kind", kind)  # 县, 区 … as people write them
    with _ledger() as ledger:
        parent_id = None if parent is None else _agency(ledger, parent)
        ledger.app.establish_agency(name, code, kind, parent_id, origin)
        logged = synced(ledger)
        typer.echo(t(f"established {name} ({code}){logged}",
                     f"已设立 {name}（{code}）{logged}"))


@agency_app.command("list")
def agency_list(as_json: JsonFlag = False) -> None:
    """All agencies, with level, parent and log origin."""
    from ledger.services.directory_view import agencies, agency_row
    with _ledger() as ledger:
        rows = [agency_row(a) for a in agencies(ledger.app)]
        print_value(rows, as_json, lambda rs: "\n".join(
            f"{r['division_code']}\t{word('agency_kind', r['kind'])}"
            + ("" if r["kind"] == r["level"] else t(f" ({r['level']} level)",
                                                     f"（{word('agency_kind', r['level'])}级）"))
            + f"\t{r['name']}\t{r['log_origin']}" for r in rs))


# -- inspection objects ----------------------------------------------------------------------------
KeepLedger = Annotated[bool, typer.Option(
    "--keep-ledger", help="a row registered already with other values keeps the ledger's values "
    "(e.g. a unit since put under special supervision) instead of refusing the file")]


@entities_app.command("import")
def entities_import(file: Path, agency: AgencyCode, keep_ledger: KeepLedger = False) -> None:
    """Import a CSV or .xlsx directory file: all rows or none; every bad cell of every row is
    listed. Title rows above the header and a 序号 column are fine."""
    from ledger.adapters.directory_file import OBJECT_COLUMNS, OBJECT_REQUIRED, read_table
    with _ledger() as ledger:
        table = read_table(file, OBJECT_COLUMNS, OBJECT_REQUIRED, progress=_progress)
        result = ledger.app.import_objects(_agency(ledger, agency), table, keep_ledger=keep_ledger)
        typer.echo(_imported(file, result, synced(ledger)))


@entities_app.command("export")
def entities_export(
    agency: AgencyCode,
    out: Annotated[Path, typer.Option(help="FILE.xlsx or FILE.csv")],
    english: Annotated[bool, typer.Option(help="English headers")] = False,
) -> None:
    """Write the directory back to .xlsx or CSV (closed and relocated units included)."""
    from ledger.adapters.directory_file import OBJECT_COLUMNS, write_table
    from ledger.services.directory_view import directories, object_row
    with _ledger() as ledger:
        view = directories(ledger.app, _agency(ledger, agency))
        count = write_table(out, OBJECT_COLUMNS, [object_row(u) for u in view.objects],
                            english=english)
        typer.echo(t(f"wrote {count} inspection object(s) to {out}",
                     f"已将 {count} 个检查对象写入 {out}"))


@entities_app.command("template")
def entities_template(
    out: Annotated[Path, typer.Option(help="FILE.xlsx to write")] = Path("检查对象名录模板.xlsx"),
) -> None:
    """Write a blank directory file to fill in: headers, an example row, drop-down lists."""
    _template(out, "entities")


@entities_app.command("list")
def entities_list(agency: AgencyCode, as_json: JsonFlag = False) -> None:
    """The agency's inspection objects, with category and status."""
    from ledger.services.directory_view import directories, object_row
    with _ledger() as ledger:
        rows = [object_row(u) for u in directories(ledger.app, _agency(ledger, agency)).objects]
        print_value(rows, as_json, lambda rs: "\n".join(
            f"{r['credit_code']}\t{word('category', r['category'])}\t{word('status', r['status'])}"
            f"\t{r['name']}" for r in rs))


@entities_app.command("show")
def entities_show(credit_code: str, agency: AgencyCode, as_json: JsonFlag = False) -> None:
    """One inspection object, all its fields."""
    from ledger.services.directory_view import object_row
    with _ledger() as ledger:
        unit: InspectionObject = ledger.app.repository.get(_unit(ledger, agency, credit_code))
        row = object_row(unit)
        print_value(row, as_json, lambda r: "\n".join(
            f"{_heading(k)}\t{word(VALUE_FIELDS.get(k, k), v)}" for k, v in r.items()))


@entities_app.command("close")
def entities_close(
    credit_code: str, agency: AgencyCode,
    reason: Annotated[str, typer.Option(help="why it leaves the directory (剔除)")],
) -> None:
    """Close a unit: out of every later draw, kept in history."""
    with _ledger() as ledger:
        identity = _unit(ledger, agency, credit_code)
        ledger.app.close_object(identity, reason)
        logged = synced(ledger)
        typer.echo(t(f"closed {credit_code}{logged}",
                     f"已关闭 {credit_code}（不再参加此后的抽查，历史记录保留）{logged}"))


@entities_app.command("update")
def entities_update(
    credit_code: str, agency: AgencyCode,
    field: Annotated[list[str], typer.Option("--set", help="FIELD=VALUE, e.g. phone=0994-2345678")],
    reason: Annotated[str, typer.Option(help="why the entry changes")],
) -> None:
    """Change fields of an entry (name, phone, address, …), with a reason."""
    changes = {_field_named(name): value for name, value in map(_assignment, field)}
    _change(credit_code, agency, lambda u: u.update(changes, reason), "updated")


@entities_app.command("reclassify")
def entities_reclassify(
    credit_code: str, agency: AgencyCode,
    category: Annotated[str, typer.Option(help="key, general or special")],
    reason: Annotated[str, typer.Option(help="why")],
    control_level: Annotated[str, typer.Option(help="national/provincial/city/county")] = "",
) -> None:
    """Change a unit's category (and control level for a key unit)."""
    category, control_level = value_of("category", category), value_of("control_level", control_level)
    _change(credit_code, agency, lambda u: u.reclassify(category, reason, control_level),
            "reclassified")


@entities_app.command("special")
def entities_special(
    credit_code: str, agency: AgencyCode,
    approved_by: Annotated[str, typer.Option(help="who approved it")],
    reason: Annotated[list[str] | None, typer.Option(help="a reason (repeat for several)")] = None,
    lift: Annotated[bool, typer.Option(help="lift special supervision instead")] = False,
) -> None:
    """Put a unit under special supervision (特殊监管对象), or lift it with --lift."""
    reasons = reason or []
    if lift:
        _change(credit_code, agency,
                lambda u: u.lift_special("; ".join(reasons), approved_by), "lifted")
    else:
        _change(credit_code, agency, lambda u: u.mark_special(reasons, approved_by), "marked")


@entities_app.command("suspend")
def entities_suspend(
    credit_code: str, agency: AgencyCode, reason: Annotated[str, typer.Option(help="why")],
    resume: Annotated[bool, typer.Option(help="production resumed instead")] = False,
) -> None:
    """Record that a unit stopped production (停产), or resumed it with --resume."""
    _change(credit_code, agency, (lambda u: u.resume(reason)) if resume
            else (lambda u: u.suspend(reason)), "resumed" if resume else "suspended")


@entities_app.command("relocate")
def entities_relocate(
    credit_code: str, agency: AgencyCode, reason: Annotated[str, typer.Option(help="why")],
    destination: Annotated[str, typer.Option(help="where it moved")],
) -> None:
    """Record a relocation (搬迁): out of this directory's later draws, kept in history."""
    _change(credit_code, agency, lambda u: u.relocate(reason, destination), "relocated")


def _change(
    credit_code: str, agency: str, change: Callable[[InspectionObject], None], done: str
) -> None:
    with _ledger() as ledger:
        ledger.app.change_object(_unit(ledger, agency, credit_code), change)
        logged = synced(ledger)
        typer.echo(t(f"{done} {credit_code}{logged}",
                     f"已{DONE_ZH.get(done, done)} {credit_code}{logged}"))


DONE_ZH = {"updated": "修改", "reclassified": "调整类别", "lifted": "解除特殊监管",
           "marked": "列为特殊监管对象", "resumed": "记录恢复生产", "suspended": "记录停产",
           "relocated": "记录搬迁", "closed": "关闭", "deactivated": "停止抽取",
           "reactivated": "恢复抽取"}


#: The words of a directory row's field (:data:`api.words.WORDS`), where it differs from its name.
VALUE_FIELDS = {"kind": "object_kind"}
_HEADINGS_ZH = {"status": "状态", "special_reasons": "特殊监管原因", "warnings": "提示"}


def _heading(field: str) -> str:
    """A field of the directory as the current language heads it (类别 for category)."""
    from api.error_text import field_label
    from ledger.adapters.directory_file import OBJECT_COLUMNS
    if current() != "zh":
        return field
    if field in OBJECT_COLUMNS:
        return OBJECT_COLUMNS[field][0]
    return _HEADINGS_ZH.get(field) or field_label(field, "zh")


def _field_named(name: str) -> str:
    """A directory field by its name or by the column header agencies write (联系电话 → phone)."""
    from ledger.adapters.directory_file import OBJECT_COLUMNS
    return next((field for field, headers in OBJECT_COLUMNS.items() if name in headers), name)


def _assignment(item: str) -> tuple[str, str]:
    field, sep, value = item.partition("=")
    if not sep or not field.strip():
        _fail(t(f"--set: {item!r} is not FIELD=VALUE", f"--set：“{item}”不是 字段=值 的形式"))
    return field.strip(), value.strip()


# -- inspectors ------------------------------------------------------------------------------------
@inspectors_app.command("import")
def inspectors_import(file: Path, agency: AgencyCode, keep_ledger: KeepLedger = False) -> None:
    """Import a CSV or .xlsx inspector file: all rows or none; every bad cell of every row is
    listed."""
    from ledger.adapters.directory_file import INSPECTOR_COLUMNS, INSPECTOR_REQUIRED, read_table
    with _ledger() as ledger:
        table = read_table(file, INSPECTOR_COLUMNS, INSPECTOR_REQUIRED, progress=_progress)
        result = ledger.app.import_inspectors(_agency(ledger, agency), table,
                                              keep_ledger=keep_ledger)
        typer.echo(_imported(file, result, synced(ledger)))


@inspectors_app.command("export")
def inspectors_export(
    agency: AgencyCode, out: Annotated[Path, typer.Option(help="FILE.xlsx or FILE.csv")],
    english: Annotated[bool, typer.Option(help="English headers")] = False,
) -> None:
    """Write the inspector directory to .xlsx or CSV."""
    from ledger.adapters.directory_file import INSPECTOR_COLUMNS, write_table
    from ledger.services.directory_view import directories, inspector_row
    with _ledger() as ledger:
        view = directories(ledger.app, _agency(ledger, agency))
        rows = [inspector_row(i) for i in view.inspectors]
        count = write_table(out, INSPECTOR_COLUMNS, rows, english=english)
        typer.echo(t(f"wrote {count} inspector(s) to {out}", f"已将 {count} 名执法人员写入 {out}"))


@inspectors_app.command("template")
def inspectors_template(
    out: Annotated[Path, typer.Option(help="FILE.xlsx to write")] = Path("执法检查人员名录模板.xlsx"),
) -> None:
    """Write a blank inspector file to fill in: headers, an example row, drop-down lists."""
    _template(out, "inspectors")


def _template(out: Path, which: Literal["entities", "inspectors"]) -> None:
    from ledger.adapters.directory_file import DirectoryFileError
    from ledger.adapters.directory_template import TEMPLATE_ROWS, write_template
    try:
        lists = write_template(out, which)
    except (DirectoryFileError, OSError) as exc:
        _fail(f"--out: {exc}")
    typer.echo(t(f"wrote {out}: the headers, an example row (序号 示例, skipped on import) and "
                 f"{lists} drop-down list(s) over rows 2-{TEMPLATE_ROWS + 1}; see its sheet 填写说明",
                 f"已写入 {out}：表头、一行示例（序号为“示例”，导入时跳过）和第 2 至 "
                 f"{TEMPLATE_ROWS + 1} 行的 {lists} 个下拉列表；填写方法见“填写说明”工作表"))


@inspectors_app.command("list")
def inspectors_list(agency: AgencyCode, as_json: JsonFlag = False) -> None:
    """The agency's inspectors: certificate, name, active, conflicts."""
    from ledger.services.directory_view import directories, inspector_row
    with _ledger() as ledger:
        rows = [inspector_row(i) for i in directories(ledger.app, _agency(ledger, agency)).inspectors]
        print_value(rows, as_json, lambda rs: "\n".join(
            f"{r['certificate_no']}\t{r['name']}\t"
            + (t("active", "在岗") if r["active"] else t("inactive", "不参加抽取"))
            for r in rs))


@inspectors_app.command("leave")
def inspectors_leave(
    certificate: Annotated[str, typer.Option(help="the inspector's certificate number")],
    first_day: Annotated[str, typer.Option("--from", help="YYYY-MM-DD")],
    last_day: Annotated[str, typer.Option("--to", help="YYYY-MM-DD (included)")],
    reason: Annotated[str, typer.Option(help="e.g. 年休假, 培训")],
) -> None:
    """Record a leave period: the inspector is not drawn on those days."""
    _change_inspector(certificate, lambda i: i.record_leave(first_day, last_day, reason),
                      f"leave {first_day}..{last_day} recorded for")


@inspectors_app.command("deactivate")
def inspectors_deactivate(
    certificate: Annotated[str, typer.Option(help="the inspector's certificate number")],
    reason: Annotated[str, typer.Option(help="e.g. 调离执法岗位")],
    reactivate: Annotated[bool, typer.Option(help="make active again instead")] = False,
) -> None:
    """Take an inspector out of the draws (or back in with --reactivate)."""
    _change_inspector(certificate, (lambda i: i.reactivate(reason)) if reactivate
                      else (lambda i: i.deactivate(reason)),
                      "reactivated" if reactivate else "deactivated")


def _change_inspector(certificate: str, change: Callable[[Inspector], None], done: str) -> None:
    with _ledger() as ledger:
        ledger.app.change_inspector(certificate, change)
        logged = synced(ledger)
        typer.echo(t(f"{done} {certificate}{logged}",
                     f"已{DONE_ZH.get(done, done)} {certificate}{logged}"))


@conflict_app.command("add")
def conflict_add(
    certificate: Annotated[str, typer.Option(help="the inspector's certificate number")],
    unit: Annotated[str, typer.Option(help="the unit's credit code")],
    agency: AgencyCode,
    reason: Annotated[str, typer.Option(help="the interest, e.g. 配偶在该企业任职")],
) -> None:
    """Declare a conflict of interest: the inspector is never sent to that unit."""
    with _ledger() as ledger:
        unit_id = _unit(ledger, agency, unit, "--unit")
        ledger.app.declare_conflict(certificate, unit_id, reason)
        logged = synced(ledger)
        typer.echo(t(f"conflict declared: {certificate} × {unit}{logged}",
                     f"已申报利害关系：{certificate} × {unit}{logged}"))


# -- rulebooks and the plan ------------------------------------------------------------------------
@rulebook_app.command("list")
def rulebook_list(as_json: JsonFlag = False) -> None:
    """The presets reproducing the seed documents."""
    from ledger.domain.rulebook_presets import PRESETS
    rows = [{"name": name, "place": book.place, "level": book.level, "year": book.year,
             "source": book.source.title} for name, book in PRESETS.items()]
    print_value(rows, as_json, lambda rs: "\n".join(f"{r['name']}\t{r['source']}" for r in rs))


@rulebook_app.command("adopt")
def rulebook_adopt(
    book: Annotated[str, typer.Argument(help="a preset name or a rulebook JSON file")],
    agency: AgencyCode,
    adopted_from: Annotated[str, typer.Option("--from", help="YYYY-MM-DD")],
    approved_by: Annotated[str, typer.Option(help="who approved it (e.g. 局务会)")],
    reason: Annotated[str, typer.Option(help="why")],
    special_share: Annotated[str | None, typer.Option(
        "--special-share", help="the share of special-supervision objects drawn per quarter, e.g. 50%, "
        "where the rulebook gives no number (seed 002: 应加大抽查比例; 004: none); at least the key "
        "units' share")] = None,
) -> None:
    """Adopt a rulebook from a date, recording who approved it and why."""
    stated = {} if special_share is None else {"special": _share_bp("--special-share", special_share)}
    with _ledger() as ledger:
        rulebook = _load_rulebook(book).adopt(adopted_from, stated, approved_by)
        ledger.app.adopt_rulebook(_agency(ledger, agency), rulebook, approved_by, reason)
        logged = synced(ledger)
        typer.echo(t(f"adopted {rulebook.name} from {adopted_from}{logged}",
                     f"已采用《{rulebook.source.title}》（{rulebook.name}），自 {adopted_from} 起生效"
                     f"{logged}"))


def _share_bp(option: str, text: str) -> int:
    """``50%``, ``50`` or ``12.5%`` → basis points (5000, 5000, 1250)."""
    number = text.strip().removesuffix("%").strip()
    whole, _, fraction = number.partition(".")
    if not whole.isdigit() or (fraction and (not fraction.isdigit() or len(fraction) > 2)):
        _fail(f"{option}: {text!r} is not a percentage like 50% or 12.5%")
    bp = int(whole) * 100 + int(fraction.ljust(2, "0") or 0)
    if not 0 < bp <= 10000:
        _fail(f"{option}: {text!r} must be more than 0% and at most 100%")
    return bp


@rulebook_app.command("show")
def rulebook_show(
    preset: Annotated[str | None, typer.Argument(
        help="a preset to preview before adopting it (see `spotcheck rulebook list`)")] = None,
    agency: Annotated[str | None, typer.Option(
        "--agency", help="or: the rulebook in force at this agency (division code)")] = None,
    on: Annotated[str, typer.Option(help="YYYY-MM-DD, with --agency")] = "9999-12-31",
) -> None:
    """A preset as it would be adopted, or the rulebook in force at an agency on a day (JSON)."""
    if (preset is None) == (agency is None):
        _fail(t("rulebook show: give a PRESET to preview, or --agency CODE for the one in force",
                "请给出要预览的预设名称，或用 --agency 区划代码 查看现行的规则手册"))
    if preset is not None:
        from ledger.domain.rulebook import RulebookError
        from ledger.domain.rulebook_presets import preset as find_preset
        try:
            book = find_preset(preset)
        except RulebookError as exc:
            _fail(str(exc))
        typer.echo(json.dumps(book.to_dict(), ensure_ascii=False, indent=2))
        for category in book.unstated():
            typer.echo(t(f"note: {preset} gives no number for {category} units; adopting it needs "
                         f"one stated (`spotcheck rulebook adopt {preset} … --{category}-share "
                         "PERCENT`)",
                         f"注意：{preset} 未规定{word('category', category)}的抽查比例；采用时须写明"
                         f"（`spotcheck rulebook adopt {preset} … --{category}-share 百分比`）"),
                       err=True)
        return
    assert agency is not None
    with _ledger() as ledger:
        stored: Agency = ledger.app.repository.get(_agency(ledger, agency))
        rulebook = stored.rulebook_in_force(on)
        if rulebook is None:
            _fail(t(f"--agency: {stored.name} has no rulebook in force on {on}",
                    f"--agency：{stored.name} 在 {on} 没有生效的规则手册"))
        typer.echo(json.dumps(rulebook.to_dict(), ensure_ascii=False, indent=2))


def plan(
    year: Annotated[int, typer.Option(help="the plan's year")],
    agency: AgencyCode,
    approved_by: Annotated[str, typer.Option(help="who approved the plan")],
    as_json: JsonFlag = False,
) -> None:
    """Compute and file the annual plan and quarterly quotas (年度计划、季度任务)."""
    with _ledger() as ledger:
        annual = ledger.app.file_plan(_agency(ledger, agency), year, approved_by)
        suffix = synced(ledger)
        print_value(annual.to_dict(), as_json, lambda d: "\n".join(
            [t(f"plan {year} ({d['rulebook']}, {d['officers']} officers){suffix}",
               f"{year} 年度计划（{d['rulebook']}，执法人员 {d['officers']} 名）{suffix}")]
            + [t(f"Q{q['quarter']}\t{q['category']}\t{q['required']}/{q['population']}",
                 f"{quarter(q['quarter'])}\t{word('category', q['category'])}\t"
                 f"抽查 {q['required']} / 共 {q['population']} 家")
               for q in d["quotas"]]))


def _load_rulebook(book: str) -> Rulebook:
    from ledger.domain.rulebook import Rulebook, RulebookError
    from ledger.domain.rulebook_presets import PRESETS, preset
    if book in PRESETS:
        return preset(book)
    path = Path(book)
    if not path.is_file():
        raise RulebookError(f"rulebook: {book!r} is neither a preset ({', '.join(PRESETS)}) "
                            "nor a file")
    from ledger.adapters.json_file import read_json_file
    data = read_json_file(path, "rulebook")
    if not isinstance(data, dict):
        raise RulebookError(f"rulebook: {path} holds a JSON object (the rulebook), not "
                            f"{type(data).__name__}")
    try:
        return Rulebook.from_dict(data)
    except ValueError as exc:
        raise RulebookError(f"rulebook: {path}: {exc}") from None


def _imported(file: Path, result: ImportResult, logged: str) -> str:
    """The import's line, then each row accepted with a warning (a retired division)."""
    notes = "".join(t(f"\n  note: {w}", f"\n  提示：第 {w.row} 行，“{w.column}”列：{w.reason}")
                    for w in result.warnings)
    from api.error_text import rule_zh
    kept = "".join(t(f"\n  kept: {k}", f"\n  第 {k.row} 行：{rule_zh(k.reason, '') or k.reason}")
                   for k in result.kept)
    counted = t(f", {len(result.kept)} kept as in the ledger",
                f"，{len(result.kept)} 条保留账本中的值") if result.kept else ""
    return t(f"imported {file}: {result.added} added, {result.unchanged} unchanged{counted}"
             f"{logged}{notes}{kept}",
             f"已导入 {file}：新增 {result.added} 条，未变 {result.unchanged} 条{counted}{logged}"
             f"{notes}{kept}")


def _progress(rows: int) -> None:
    typer.echo(t(f"  … {rows:,} rows read", f"  …… 已读取 {rows:,} 行"), err=True)
