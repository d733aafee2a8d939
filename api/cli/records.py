"""``spotcheck record …``, ``rectify``, ``disclose …`` and ``public …``: after the draw, on the
command line.

A thin adapter over :class:`ledger.services.inspections.Inspections` (records, recusal at the
visit, follow-up, publication) and :class:`projections.public_view.PublicView` (what a citizen may
see, and who may read the full records). Each writing step syncs the log when the agency's key is
at hand. ``public show`` and ``public search`` print only the public pages (masked, withheld fields
replaced); ``record show`` prints full records to an officer of the visit or to the agency, never to
the public. Errors are one message naming the field and the rule, with exit status 2.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer

if TYPE_CHECKING:
    from ledger.domain.directory import InspectionObject
    from ledger.domain.draw import Draw
    from ledger.domain.inspection import Inspection
    from ledger.domain.masking import ConfidentialityReview
    from ledger.services.inspections import Inspections
    from ledger.services.ledger import Ledger

from api.cli.catalog import COMMANDS
from api.cli.support import command_group, fail, opened_ledger, print_value, synced
from api.language import current, t

record_app = command_group(COMMANDS["record"].help)
disclose_app = command_group(COMMANDS["disclose"].help)
public_app = command_group(COMMANDS["public"].help)

DrawId = Annotated[str, typer.Argument(help="e.g. 652301-2026Q1-units")]
Unit = Annotated[str, typer.Option("--unit", help="the unit's unified social credit code")]
On = Annotated[str, typer.Option("--on", help="YYYY-MM-DD")]
JsonFlag = Annotated[bool, typer.Option("--json", help="print JSON")]
#: The four public sections and the fixed lists, by language.
HEADINGS = {
    "zh": {"items": "抽查事项清单", "plan": "抽查计划公告", "tasks": "抽查任务公告",
           "results": "抽查结果公告", "fixed_lists": "已确定的抽查名单"},
    "en": {"items": "Inspection items", "plan": "Inspection plan", "tasks": "Inspection tasks",
           "results": "Inspection results", "fixed_lists": "Fixed lists"},
}


def _fail(message: str) -> NoReturn:
    fail(message)


@contextmanager
def _inspections() -> Iterator[tuple[Ledger, Inspections]]:
    from ledger.services.ceremony import Ceremony
    from ledger.services.inspections import Inspections
    with opened_ledger() as ledger:
        yield ledger, Inspections(ledger.app, Ceremony(ledger.app, ledger.settings.keys_dir))


def _day(option: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"{option}: {text!r} is not a date YYYY-MM-DD")


def _record_file(path: Path, draw_id: str, unit: str) -> dict[str, Any]:
    """The record in a JSON file or a filled form (.xlsx) of ``record template``."""
    from ledger.adapters.record_form import read_record_form
    from ledger.errors import InvalidInput
    try:
        return read_record_form(path, draw_id, unit)
    except InvalidInput as exc:
        _fail(str(exc))


def _unit(inspections: Inspections, draw_id: str, code: str) -> InspectionObject:
    from ledger.domain.directory import object_id
    draw: Draw = inspections.ceremony.draw(draw_id)
    found: InspectionObject = inspections.app.repository.get(object_id(draw.agency_id, code))
    return found


def _followed_up(before: bool, inspections: Inspections, draw_id: str, unit: str,
                 inspection: Inspection) -> str:
    """What the follow-up did to the unit's special supervision (特殊监管), if anything."""
    from ledger.services.inspections import FOLLOW_UP_REASON
    after = FOLLOW_UP_REASON in _unit(inspections, draw_id, unit).special_reasons
    if after and not before:
        return t(f"  follow-up: a violation with {len(inspection.open_orders)} open order(s): {unit} "
                 "is now a special-supervision object (特殊监管对象) until every order is rectified",
                 f"  后续处理：发现违法问题，有 {len(inspection.open_orders)} 项责令改正未完成：{unit} "
                 "列为特殊监管对象，直至全部整改完成")
    if before and not after:
        return t(f"  follow-up: every order rectified: {unit} is no longer under special supervision",
                 f"  后续处理：全部整改完成：{unit} 解除特殊监管")
    return ""


# -- records ---------------------------------------------------------------------------------------
@record_app.command("file")
def record_file(
    draw_id: DrawId, unit: Unit,
    file: Annotated[Path, typer.Option("--file", help="the record: the form of `record template` "
                                       "filled in (.xlsx), or JSON")],
    by: Annotated[str, typer.Option("--by", help="the certificate of an officer present")],
    on: On,
) -> None:
    """File the record of a visit (现场检查记录); late is accepted and flagged in working days."""
    record = _record_file(file, draw_id, unit)
    with _inspections() as (ledger, inspections):
        before = _special(inspections, draw_id, unit)
        filed = inspections.file_record(draw_id, unit, record, by, _day("--on", on))
        late = (t(f", {filed.working_days_late} working day(s) late",
                  f"，逾期 {filed.working_days_late} 个工作日") if filed.working_days_late
                else t(", on time", "，按时") if filed.due else "")
        logged = synced(ledger)
        typer.echo(t(f"recorded: the record of {unit} in {draw_id}, filed by {by} on {on} "
                     f"(due {filed.due or '(no deadline in the rulebook)'}{late}){logged}",
                     f"已记录：{draw_id} 中 {unit} 的检查记录，由 {by} 于 {on} 填报"
                     + (f"（期限 {filed.due}{late}）" if filed.due else "（规则手册未规定期限）")
                     + logged))
        note = _followed_up(before, inspections, draw_id, unit, filed.inspection)
        if note:
            typer.echo(note)


@record_app.command("template")
def record_template(
    draw_id: DrawId, unit: Unit,
    by: Annotated[str, typer.Option("--by", help="the certificate of an officer of the team")],
    out: Annotated[Path | None, typer.Option(
        "--out", help="FILE.xlsx (a form to print or fill in) or FILE.json; default "
        "<unit>-现场检查记录.xlsx")] = None,
    why: Annotated[str, typer.Option(help="why the form is read (recorded while the draw is "
                                     "sealed)")] = "record template: the form of a visit",
) -> None:
    """Write the record form of one visit, prefilled: the unit, the team, the rulebook's items."""
    from ledger.adapters.record_form import write_record_form
    target = out or Path(f"{unit}-现场检查记录.xlsx")
    if target.suffix.lower() not in (".xlsx", ".json"):
        _fail(f"--out: {target}: write .xlsx or .json")
    with _inspections() as (ledger, inspections):
        form = inspections.record_form(draw_id, unit, by, why)
        suffix = synced(ledger)
        write_record_form(target, form)
        team = "、".join(f"{n}（{c}）" for c, n in form.team)
        typer.echo(t(f"wrote {target}: the record form of {form.unit_name}（{unit}）in {draw_id}, "
                     f"{len(form.items)} item(s) of the rulebook, team {team}; file it with "
                     f"`spotcheck record file {draw_id} --unit {unit} --file {target} --by CERT "
                     f"--on DATE`{suffix}",
                     f"已写入 {target}：{draw_id} 中 {form.unit_name}（{unit}）的现场检查记录表，"
                     f"列有规则手册的 {len(form.items)} 个检查事项，检查组 {team}；填好后用 "
                     f"`spotcheck record file {draw_id} --unit {unit} --file {target} --by 执法证号 "
                     f"--on 日期` 填报{suffix}"))


def _special(inspections: Inspections, draw_id: str, unit: str) -> bool:
    from eventsourcing.application import AggregateNotFoundError

    from ledger.services.ceremony import CeremonyError
    from ledger.services.inspections import FOLLOW_UP_REASON
    try:
        return FOLLOW_UP_REASON in _unit(inspections, draw_id, unit).special_reasons
    except (CeremonyError, AggregateNotFoundError):  # reported by the step itself
        return False


@record_app.command("correct")
def record_correct(
    draw_id: DrawId, unit: Unit,
    file: Annotated[Path, typer.Option("--file", help="the corrected record (.xlsx form or JSON)")],
    reason: Annotated[str, typer.Option(help="why (required; the earlier record stays)")],
    by: Annotated[str, typer.Option("--by", help="the certificate of an officer present")],
    on: On,
) -> None:
    """Correct a filed record (更正): it supersedes the record; the earlier one stays in the ledger."""
    record = _record_file(file, draw_id, unit)
    with _inspections() as (ledger, inspections):
        before = _special(inspections, draw_id, unit)
        corrected = inspections.correct_record(draw_id, unit, record, reason, by, _day("--on", on))
        logged = synced(ledger)
        typer.echo(t(f"recorded: correction {corrected.corrections} of the record of {unit} in "
                     f"{draw_id} by {by} ({reason.strip()}){logged}",
                     f"已记录：{draw_id} 中 {unit} 检查记录的第 {corrected.corrections} 次更正，"
                     f"由 {by} 办理（{reason.strip()}）{logged}"))
        note = _followed_up(before, inspections, draw_id, unit, corrected)
        if note:
            typer.echo(note)


@record_app.command("show")
def record_show(
    draw_id: DrawId, unit: Unit,
    as_officer: Annotated[str | None, typer.Option(
        "--as-officer", help="read as this officer (certificate): only the officer's own visits")]
    = None,
    as_agency: Annotated[str | None, typer.Option(
        "--as-agency", help="read as this agency (division code): its own records")] = None,
    why: Annotated[str | None, typer.Option(help="why the record is read (recorded while the draw is "
                                            "sealed)")] = None,
    as_json: JsonFlag = False,
) -> None:
    """The full record of one visit, for an officer of the visit or the agency (never the public).
    While the draw is sealed a record reveals part of its list: the reading is recorded as an
    opening (who, why, which record), before the record is shown."""
    from api.bootstrap import Spotcheck
    from projections.public_view import Viewer
    if (as_officer is None) == (as_agency is None):
        _fail(t("record show: give --as-officer CERT or --as-agency CODE (the public reads "
                "`spotcheck public show`, not records)",
                "请给出 --as-officer 执法证号 或 --as-agency 区划代码（公众查看的是 "
                "`spotcheck public show`，不是检查记录）"))
    why = why or t("record show: reading the record of a visit", "record show：查看检查记录")
    viewer = (Viewer("officer", certificate=as_officer) if as_officer is not None
              else Viewer("agency", agency=str(as_agency)))
    who = (t(f"officer {as_officer}", f"执法人员 {as_officer}") if as_officer is not None
           else t(f"agency {as_agency}", f"机构 {as_agency}"))
    with _inspections() as (ledger, inspections):
        view = Spotcheck(ledger).public
        rows = [row for row in view.records_for(viewer, draw_id.split("-", 1)[0])
                if row["draw_id"] == draw_id and row["unit"] == unit]
        if not rows:
            _fail(t(f"record: no record of {unit} in {draw_id} that {who} may read",
                    f"没有 {who} 可以查看的 {draw_id} 中 {unit} 的检查记录"))
        reader = as_officer if as_officer is not None else t(f"agency {as_agency}", f"机构 {as_agency}")
        if inspections.ceremony.record_reading(draw_id, reader, why, f"record of {unit}"):
            ledger.sync(require_keys=False)
            typer.echo(t(f"spotcheck: note: {draw_id} is still sealed; this reading is recorded "
                         f"(by {reader}, why: {why})",
                         f"spotcheck: 注意：{draw_id} 仍处于保密状态；本次查看已记录"
                         f"（查看人 {reader}，理由：{why}）"), err=True)
        print_value(rows[0], as_json, _record_text)


def _record_text(row: dict[str, Any]) -> str:
    from api.words import word
    from ledger.domain.inspection_record import CATEGORIES, result_category
    record = row["record"]
    lines = [f"{row['draw_id']}\t{row['unit']}\t{CATEGORIES[result_category(record)]}",
             t(f"visited\t{record['visited_on']} at {record['place']}, status {record['status']}",
               f"检查\t{record['visited_on']}，{record['place']}，"
               f"生产状态：{word('status', record['status'])}"),
             t("officers\t", "执法人员\t") + ", ".join(record["officers"])]
    lines += [t(f"item\t{i['item']}: {i['finding']} ({i['description']})",
                f"检查事项\t{i['item']}：{word('finding', i['finding'])}"
                + (f"（{i['description']}）" if i["description"] else "")) for i in record["items"]]
    lines += [t(f"annex4\t{k}: {v}", f"附件4\t{ANNEX4_ZH.get(k, k)}：{_annex4_zh(v)}")
              for k, v in record["annex4"].items()]
    lines += [t(f"order {n}\t{o['order']} (due {o['due']})",
                f"责令改正 {n}\t{o['order']}（期限 {o['due']}）")
              for n, o in enumerate(record["orders"], start=1)]
    if record["case"]["filed"]:
        lines.append(t("case\t立案 ", "立案\t立案 ") + record["case"]["penalty"])
    lines += [t("attachment\t", "附件\t") + f"{a['name']} sha256 {a['sha256']}"
              for a in record["attachments"]]
    if record["remarks"]:
        lines.append(t("remarks\t", "备注（存档，不公开）\t") + record["remarks"])
    if record.get("public_remarks"):
        lines.append(t("public remarks\t", "公开说明\t") + record["public_remarks"])
    return "\n".join(lines)


#: Seed 002 annex 4's columns, as the record's ``annex4`` names them.
ANNEX4_ZH = {"facilities_built": "污染防治设施建设情况", "facilities_running": "污染防治设施运行情况",
             "outfall_standardised": "排污口规范化情况", "emissions_within_limits": "污染物达标排放情况"}


def _annex4_zh(value: Any) -> str:
    from api.words import word
    if value is True:
        return "是"
    if value is False:
        return "否"
    if value is None:
        return "未监测"
    return word("facilities_running", value)


@record_app.command("recusal")
def record_recusal(
    draw_id: DrawId, unit: Unit,
    officer: Annotated[str, typer.Option(help="the certificate of the officer asked to recuse")],
    requested_by: Annotated[str, typer.Option(help="who asked (e.g. 企业负责人)")],
    reason: Annotated[str, typer.Option(help="why")],
    decided_by: Annotated[str, typer.Option(help="who decided")],
    granted: Annotated[bool | None, typer.Option("--granted/--refused", help="the decision")] = None,
) -> None:
    """The unit asks at the visit that an officer recuse (回避); granted, a replacement is drawn."""
    if granted is None:
        _fail("recusal: give --granted or --refused")
    with _inspections() as (ledger, inspections):
        replacement = inspections.request_recusal(draw_id, unit, officer, requested_by, reason,
                                                  granted, decided_by)
        outcome = (t(f"granted; {replacement} drawn in as the replacement",
                     f"准予回避；抽取 {replacement} 替补") if granted
                   else t("refused; the team stays", "不予回避；检查组不变"))
        logged = synced(ledger)
        typer.echo(t(f"recorded: recusal of {officer} at {unit} asked by {requested_by}, {outcome} "
                     f"(decided by {decided_by}){logged}",
                     f"已记录：{requested_by} 申请 {officer} 在 {unit} 回避，{outcome}"
                     f"（决定人 {decided_by}）{logged}"))


# -- follow-up -------------------------------------------------------------------------------------
def rectify(
    draw_id: DrawId, unit: Unit,
    order: Annotated[int, typer.Option(help="the order's number in the record (1, 2, …, as "
                                        "`record show` lists them)")],
    on: On,
    verified_by: Annotated[str, typer.Option(help="who verified the rectification")],
    evidence: Annotated[str, typer.Option(help="what shows it (e.g. a photo's SHA-256)")] = "",
) -> None:
    """An order to correct verified as done (整改完成); the last one lifts the special supervision."""
    with _inspections() as (ledger, inspections):
        before = _special(inspections, draw_id, unit)
        inspection = inspections.rectify(draw_id, unit, order - 1, _day("--on", on), verified_by,
                                         evidence)
        logged = synced(ledger)
        typer.echo(t(f"recorded: order {order} of {unit} rectified on {on}, verified by "
                     f"{verified_by}; {len(inspection.open_orders)} order(s) still open{logged}",
                     f"已记录：{unit} 的第 {order} 项责令改正于 {on} 整改完成，核查人 {verified_by}；"
                     f"尚有 {len(inspection.open_orders)} 项未完成{logged}"))
        note = _followed_up(before, inspections, draw_id, unit, inspection)
        if note:
            typer.echo(note)


# -- publication -----------------------------------------------------------------------------------
@disclose_app.command("result")
def disclose_result(
    draw_id: DrawId, unit: Unit,
    by: Annotated[str, typer.Option("--by", help="who publishes")],
    on: On,
    withhold: Annotated[list[str] | None, typer.Option(
        "--withhold", help="FIELD:GROUND:CONCLUSION, a field withheld after review (repeat); ground "
        "state_secret, commercial_secret or personal_privacy")] = None,
    reviewer: Annotated[str, typer.Option(
        help="who reviewed (保密审查): the withheld fields, and the record's public_remarks, which "
             "are published only once reviewed")] = "",
    reviewed_on: Annotated[str, typer.Option(help="YYYY-MM-DD, with --reviewer")] = "",
) -> None:
    """Publish one result (抽查结果公告): masked, withheld fields shown as 已作区分处理; the record's
    remarks for the file are never published, its public_remarks once reviewed."""
    review = _review(withhold or [], reviewer, reviewed_on)
    with _inspections() as (ledger, inspections):
        published = inspections.disclose_result(draw_id, unit, by, _day("--on", on), review)
        assert published.disclosed is not None
        public = published.disclosed["public"]
        late = published.disclosed["working_days_late"]
        logged = synced(ledger)
        typer.echo(t(f"recorded: the result of {unit} in {draw_id} published by {by} on {on}"
                     + (f", {late} working day(s) late" if late else "") + logged,
                     f"已记录：{draw_id} 中 {unit} 的检查结果由 {by} 于 {on} 公开"
                     + (f"，逾期 {late} 个工作日" if late else "") + logged))
        digests = published.disclosed["withheld"]
        typer.echo(t("  public: ", "  公开内容：") + public["unit"] + t(", ", "，") + public["category"]
                   + "".join(t(f"; {item.field} shown as {item.notice} (its value committed by "
                               f"SHA-256 {digests[item.field]})",
                               f"；{item.field} 显示为“{item.notice}”（其值以 SHA-256 "
                               f"{digests[item.field]} 承诺）") for item in review.items)
                   if review else t("  public: ", "  公开内容：")
                   + public["unit"] + t(", ", "，") + public["category"] + t(" (masked)", "（已脱敏）"))


def _review(withhold: list[str], reviewer: str, reviewed_on: str) -> ConfidentialityReview | None:
    from ledger.domain.masking import (
        ApprovedText,
        ConfidentialityReview,
        Ground,
        MaskingError,
        WithheldField,
    )
    if not withhold and not reviewer.strip():
        return None
    if not reviewer.strip() or not reviewed_on:
        _fail("--withhold: a withheld field needs its review: --reviewer NAME --reviewed-on DATE"
              if withhold else "--reviewed-on: a review has a date: --reviewed-on YYYY-MM-DD")
    approved: tuple[ApprovedText, ...] = ()
    if not any(spec.partition(":")[0] == "remarks" for spec in withhold):
        try:
            approved = (ApprovedText("remarks", reviewer, reviewed_on),)
        except MaskingError as exc:
            _fail(f"--reviewed-on: {exc}")
    items = []
    for spec in withhold:
        field, _, rest = spec.partition(":")
        ground, _, conclusion = rest.partition(":")
        if not field or not ground or not conclusion:
            _fail(f"--withhold: {spec!r} is not FIELD:GROUND:CONCLUSION")
        try:
            items.append(WithheldField(field, cast(Ground, ground), conclusion, reviewer,
                                       reviewed_on))
        except MaskingError as exc:
            _fail(f"--withhold: {exc}")
    try:
        return ConfidentialityReview(tuple(items), approved)
    except MaskingError as exc:
        _fail(f"--withhold: {exc}")


@disclose_app.command("list")
def disclose_list(
    draw_id: DrawId,
    by: Annotated[str, typer.Option("--by", help="who discloses")],
    on: On,
) -> None:
    """The task notice (抽查任务公告): unseal the list once every visit is recorded."""
    with _inspections() as (ledger, inspections):
        inspections.disclose_list(draw_id, by, _day("--on", on))
        logged = synced(ledger)
        typer.echo(t(f"recorded: the list of {draw_id} disclosed by {by} on {on}{logged}",
                     f"已记录：{draw_id} 的名单由 {by} 于 {on} 公开{logged}"))
        typer.echo(t("  public: the units and teams (抽查任务公告) and the draw key; anyone can now "
                     "check the seed and the list against the hashes fixed earlier",
                     "  公开内容：检查对象和检查组（抽查任务公告）以及抽查密钥；任何人现在都可以"
                     "用此前固定的哈希值核对种子和名单"))


@disclose_app.command("year-list")
def disclose_year_list(
    agency: Annotated[str, typer.Option("--agency", help="the agency's division code")],
    year: Annotated[int, typer.Option("--year", help="the year the list is for, e.g. 2026")],
    by: Annotated[str, typer.Option("--by", help="who publishes")],
) -> None:
    """Publish the year's list of units under random supervision (年度双随机抽查对象名录; seed 001:
    public by the end of January): every unit in the directory, by name and credit code."""
    from ledger.domain.agency import agency_id
    with _inspections() as (ledger, _):
        uuid = agency_id(agency)
        if uuid not in ledger.app.repository:
            _fail(f"--agency: no agency with division code {agency} (see `spotcheck agency list`)")
        count = ledger.app.publish_year_list(uuid, year, by)
        logged = synced(ledger)
        typer.echo(t(f"recorded: the {year} list of units under random supervision of {agency}, "
                     f"{count} unit(s), published by {by}{logged}",
                     f"已记录：{agency} 的 {year} 年度双随机抽查对象名录，共 {count} 个单位，"
                     f"由 {by} 公开{logged}"))
        typer.echo(t("  public: ", "  公开内容：") + "抽查计划公告 → 年度双随机抽查对象名录 "
                   f"(`spotcheck public show --agency {agency} --year {year}`)")


# -- the public pages ------------------------------------------------------------------------------
@public_app.command("show")
def public_show(
    agency: Annotated[str, typer.Option("--agency", help="the agency's division code")],
    year: Annotated[int, typer.Option(help="e.g. 2026")],
    as_json: JsonFlag = False,
) -> None:
    """An agency's public pages: exactly what a citizen may see (masked; nothing sealed)."""
    from api.bootstrap import Spotcheck
    lang = current()
    with opened_ledger() as ledger:
        pages = Spotcheck(ledger).public.agency_pages(
            agency, year)
        print_value({"headings": HEADINGS[lang], **pages}, as_json, _pages_text)


def _pages_text(pages: dict[str, Any]) -> str:
    head = pages["headings"]
    plan = pages["plan"]
    from api.words import quarter, word
    lines = [f"{pages['agency']['name']} ({pages['agency']['division_code']}), {plan['year']}",
             f"== {head['items']} ({len(pages['items'])})"]
    lines += [f"  {i['item']}\t{i['legal_basis']}\t{i['content']}" for i in pages["items"]]
    lines.append(f"== {head['plan']}")
    if plan["filed"]:
        title = plan.get("rulebook_title") or plan["rulebook"]
        lines.append(t(f"  rulebook {plan['rulebook']}" + (f" ({title})" if title != plan["rulebook"]
                                                           else ""),
                       f"  依据：《{title}》"))
        lines += [t(f"  Q{q['quarter']}\t{q['category']}\t{q['required']}",
                    f"  {quarter(q['quarter'])}\t{word('category', q['category'])}\t"
                    f"抽查 {q['required']} 家") for q in plan["quotas"]]
    else:
        lines.append(t("  (no plan filed)", "  （尚未报送年度计划）"))
    supervised = plan["units_under_supervision"]
    lines.append(t(f"  年度双随机抽查对象名录: {len(supervised)} unit(s)",
                   f"  年度双随机抽查对象名录：共 {len(supervised)} 个单位"))
    lines += [f"  {u['credit_code']}\t{u['name']}" for u in supervised]
    lines.append(f"== {head['tasks']} ({sum(len(n['tasks']) for n in pages['tasks'])})")
    for notice in pages["tasks"]:
        lines.append(f"  {notice['draw_id']}\t" + t("list hash ", "名单哈希 ")
                     + notice["list_hash"])
        lines += [f"  {task['credit_code']}\t{task['unit']}\t{', '.join(task['officers'])}"
                  for task in notice["tasks"]]
    lines.append(f"== {head['results']} ({len(pages['results'])})")
    lines += [_result_text(r) for r in pages["results"]]
    lines.append(f"== {head['fixed_lists']} ({len(pages['fixed_lists'])})")
    lines += [f"  {f['period']}\t{f['fixed_on']}\t{f['list_hash']}\t{f['draw_id']}"
              for f in pages["fixed_lists"]]
    return "\n".join(lines)


def _result_text(result: dict[str, Any]) -> str:
    text = (f"  {result['credit_code']}\t{result['unit']}\t{result['visited_on']}\t"
            f"{result['category']}")
    orders = result["orders"]
    if isinstance(orders, list):
        text += "".join(t(f"\t责令改正: {o['order']} (by {o['due']})",
                          f"\t责令改正：{o['order']}（期限 {o['due']}）") for o in orders)
    else:
        text += f"\t{orders}"
    text += "".join(f"\t{result[k]}" for k in ("case", "penalty", "remarks") if result.get(k))
    return text


@public_app.command("search")
def public_search(
    text: Annotated[str, typer.Argument(help="part of a unit's name or credit code ('' for all)")],
    year: Annotated[int | None, typer.Option(help="e.g. 2026")] = None,
    quarter: Annotated[int | None, typer.Option(help="1-4 (with --year)")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="one agency's division code")]
    = None,
    as_json: JsonFlag = False,
) -> None:
    """Published results (抽查结果) whose unit name or credit code contains TEXT: every agency, or
    one, a year, a quarter (read from the public projection, brought up to date first)."""
    from api.bootstrap import Spotcheck
    scope = " ".join(part for part in (agency or "", str(year or ""),
                                       f"Q{quarter}" if quarter else "") if part)
    with opened_ledger() as ledger:
        found = Spotcheck(ledger).public.search(text, year=year, agency=agency, quarter=quarter)
        print_value(found, as_json, lambda rs: "\n".join(
            [t(f"{len(rs)} published result(s) matching {text!r}" + (f" in {scope}" if scope else ""),
               f"{scope + ' ' if scope else ''}含“{text}”的已公开结果：{len(rs)} 条")]
            + [_result_text(r) for r in rs]))
