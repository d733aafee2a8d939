"""The accountability report as one self-contained HTML page (核验报告), Chinese or English.

Inline CSS only: no script, no external resource. Every piece of text is escaped with
:func:`html.escape`, and whatever comes from the bundle (names, records, remarks, findings) is first
passed through :func:`mask_identity`, so an identity-number-like string (17 digits and a digit or
X) never appears whole: it is shown as its first 10 characters, ``****`` and its last 4. Hashes
and proofs (hex and base64 the verifier itself checked or computed) are only escaped.
"""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

from verify.finding_text import key_source_zh, message_zh, rule_name, where_zh
from verify.findings import Finding, not_checked
from verify.report import (
    BY_THE_BOOK,
    FAILED,
    LATE,
    NO_STEPS,
    NOT_BY_THE_BOOK,
    OK,
    Accountability,
    DrawSummary,
    Officer,
    Step,
    Task,
)

LANGS = ("zh", "en")
_IDENTITY = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")

_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "双随机、一公开 核验报告", "summary": "核验摘要", "verdict_ok": "核验通过",
        "verdict_failed": "核验未通过", "passed": "通过", "failed": "未通过", "late": "逾期",
        "tasks": "任务", "origin": "日志", "division": "行政区划代码", "agency": "执法机构",
        "events": "事件数", "checkpoints": "已核验的签名检查点", "trusted": "可信检查点",
        "checkpoint_summary": "{count} 个，最新的覆盖 {latest} 条",
        "opened_with": "随首次检查记录建立",
        "none": "无", "key": "公钥来源", "draws": "抽取", "officers": "执法人员",
        "agency_findings": "机构层面的问题（不属于某一任务）", "no_findings": "未发现问题",
        "draw": "抽取编号", "period": "期间", "kind": "类型", "status": "状态",
        "disclosed": "已公开", "yes": "是", "no": "否", "unit": "检查对象", "team": "检查组",
        "team_unknown": "（名单未公开）", "step": "步骤", "date": "日期", "by": "经办",
        "index": "日志序号", "entry": "事件哈希", "proof": "包含证明", "findings": "问题",
        "record": "检查记录", "certificate": "执法证号", "name": "姓名", "roles": "角色",
        "steps": "步骤", "rule": "规则", "where": "位置", "message": "说明",
        "tree_size": "检查点大小", "root": "根哈希", "leaf": "叶哈希", "path": "证明路径",
        "no_proof": "无已核验的检查点覆盖此条目", "visited_on": "检查日期", "place": "地点",
        "operating": "运行状态", "items": "检查事项", "orders": "责令改正", "remarks": "备注",
        "officer_counts": "执法人员", "generated": "由 spotcheck-verify 离线生成，仅依据核验包内容",
        "lang_note": "English: spotcheck-verify DIR --report FILE --lang en",
        "draws_replayed": "已公开并完整复算的抽取", "draws_sealed": "仍密封的抽取",
        "not_checked": "公开核验包：以下内容无法核验及原因",
    },
    "en": {
        "title": "Spotcheck verification report", "summary": "Summary", "verdict_ok": "Verified",
        "verdict_failed": "Verification failed", "passed": "Passed", "failed": "Failed",
        "late": "Late", "tasks": "tasks", "origin": "Log", "division": "Division code",
        "agency": "Agency", "events": "Events", "checkpoints": "Signed checkpoints verified",
        "checkpoint_summary": "{count}, the latest covering {latest} entries",
        "opened_with": "opened with the first record",
        "trusted": "Trusted checkpoint", "none": "none", "key": "Key", "draws": "Draws",
        "officers": "Officers", "agency_findings": "Agency-level findings (not tied to a task)",
        "no_findings": "No findings", "draw": "Draw", "period": "Period", "kind": "Kind",
        "status": "Status", "disclosed": "Disclosed", "yes": "yes", "no": "no", "unit": "Unit",
        "team": "Team", "team_unknown": "(list not disclosed)", "step": "Step", "date": "Date",
        "by": "By", "index": "Log index", "entry": "Event hash", "proof": "Inclusion proof",
        "findings": "Findings", "record": "Inspection record", "certificate": "Certificate",
        "name": "Name", "roles": "Roles", "steps": "Steps", "rule": "Rule", "where": "Where",
        "message": "Message", "tree_size": "Checkpoint size", "root": "Root", "leaf": "Leaf hash",
        "path": "Proof hashes", "no_proof": "no verified checkpoint covers this entry",
        "visited_on": "Visited on", "place": "Place", "operating": "Operating status",
        "items": "Items", "orders": "Orders", "remarks": "Remarks", "officer_counts": "Officers",
        "generated": "Generated offline by spotcheck-verify from the bundle alone",
        "lang_note": "中文：spotcheck-verify DIR --report FILE（默认）",
        "draws_replayed": "Draws disclosed and replayed", "draws_sealed": "Draws still sealed",
        "not_checked": "Public bundle: what could not be checked, and why",
    },
}
_STATUS: dict[str, dict[str, str]] = {
    "zh": {OK: "照单合规", FAILED: "未照单", LATE: "逾期", BY_THE_BOOK: "尽职照单免责",
           NOT_BY_THE_BOOK: "失职，需复核", NO_STEPS: "无本人经办步骤"},
    "en": {OK: "by the book", FAILED: "not by the book", LATE: "late",
           BY_THE_BOOK: "by the book: exempt", NOT_BY_THE_BOOK: "not by the book: needs review",
           NO_STEPS: "no steps of their own"},
}
_STEPS: dict[str, dict[str, str]] = {
    "zh": {"fixed": "抽取名单确定", "opened": "检查任务建立", "record_filed": "检查记录归档",
           "record_corrected": "检查记录更正", "recusal_requested": "申请回避",
           "order_rectified": "整改完成", "result_disclosed": "结果公开",
           "population_frozen": "抽取库冻结", "disclosed": "抽取公开"},
    "en": {"fixed": "list fixed", "opened": "task opened", "record_filed": "record filed",
           "record_corrected": "record corrected", "recusal_requested": "recusal requested",
           "order_rectified": "order rectified", "result_disclosed": "result disclosed",
           "population_frozen": "population frozen", "disclosed": "draw disclosed"},
}
#: The ledger's enumerated values as people read them (the record's state, an item's finding, a
#: draw's kind): English words in the data, Chinese in the Chinese page.
_VALUES: dict[str, dict[str, str]] = {
    "zh": {"operating": "正常生产", "stopped": "停产", "no_activity": "未发现本次抽查涉及的生产经营活动",
           "unreachable": "通过登记的住所无法联系", "refused": "不配合检查", "closed": "已关闭或迁出",
           "compliant": "符合要求", "problem": "发现问题", "not_applicable": "不适用",
           "units": "检查对象抽取", "audit": "对下级机构的抽查"},
    "en": {"no_activity": "no activity", "not_applicable": "not applicable",
           "units": "units", "audit": "audit of the agencies below"},
}
_ROLES: dict[str, dict[str, str]] = {
    "zh": {"team": "检查组成员", "present": "到场", "filed": "归档", "recused": "回避"},
    "en": {"team": "team", "present": "present", "filed": "filed", "recused": "recused"},
}

_CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em;
color:#222;line-height:1.45}
h1{font-size:1.5em}h2{border-bottom:2px solid #ccc;margin-top:2em}h3{margin-bottom:.3em}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.25em .5em;
text-align:left;vertical-align:top}th{background:#f3f3f3}
.ok{color:#196c2e;font-weight:bold}.failed{color:#b00020;font-weight:bold}
.late{color:#a15c00;font-weight:bold}.no_steps{color:#666}
.verdict{font-size:1.3em;padding:.4em .8em;display:inline-block;border:2px solid}
code{font-family:monospace;font-size:.9em;word-break:break-all}
section.task{border:1px solid #ddd;padding:.5em 1em;margin:1em 0}
.counts td{font-size:1.2em;text-align:center}small{color:#666}
"""
_CLASS = {OK: "ok", FAILED: "failed", LATE: "late", BY_THE_BOOK: "ok",
          NOT_BY_THE_BOOK: "failed", NO_STEPS: "no_steps"}


_USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100's 31 characters


def _is_plausible_identity(number: str) -> bool:
    """GB 11643: a birth date from 1900 to 2099 at characters 7–14, the right MOD 11-2 check."""
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(number[:17]))
    return 1900 <= born.year <= 2099 and number[17].upper() == "10X98765432"[total % 11]


def _is_credit_code(number: str) -> bool:
    """GB 32100: the right check character (weights 3^i mod 31) over its 31-character alphabet."""
    if any(c not in _USCC for c in number):
        return False
    total = sum(_USCC.index(c) * pow(3, i, 31) for i, c in enumerate(number[:17]))
    return number[17] == _USCC[(31 - total % 31) % 31]


def is_identity_number(number: str) -> bool:
    """As the publication guard decides (``ledger.domain.masking``): a plausible identity number,
    or any 18 characters of that shape that are not a valid unified social credit code. An
    all-digit credit code (913701126200008234 …) is shown whole, as on the public pages."""
    return _is_plausible_identity(number) or not _is_credit_code(number)


def mask_identity(text: str) -> str:
    """``110101199003074578`` → ``1101011990****4578``: every identity number, no credit code."""
    return _IDENTITY.sub(lambda m: m.group(0)[:10] + "****" + m.group(0)[-4:]
                         if is_identity_number(m.group(0)) else m.group(0), text)


def _t(value: object) -> str:
    """Text from the bundle: masked, then escaped."""
    return html.escape(mask_identity("" if value is None else str(value)))


def _c(value: object) -> str:
    """A hash or proof the verifier checked or computed: escaped only."""
    return f"<code>{html.escape(str(value))}</code>"


def render_html(acc: Accountability, lang: str = "zh") -> str:
    """The whole page."""
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: one of {', '.join(LANGS)}")
    page = _Page(acc, lang)
    return page.render()


class _Page:
    def __init__(self, acc: Accountability, lang: str) -> None:
        self.acc = acc
        self.lang = lang
        self.label = _LABELS[lang]
        self.out: list[str] = []
        self.anchors = {t.id: f"task-{n}" for n, t in enumerate(acc.tasks, start=1)}

    def w(self, *parts: str) -> None:
        self.out.extend(parts)

    def status(self, status: str) -> str:
        text = html.escape(_STATUS[self.lang].get(status, status))
        return f'<span class="{_CLASS.get(status, "")}">{text}</span>'

    def rule(self, rule: str) -> str:
        """A finding's rule: its Chinese name (and code) in Chinese, the code in English."""
        return f"{rule_name(rule)}（{rule}）" if self.lang == "zh" and rule_name(rule) != rule else rule

    def message(self, finding: Finding) -> str:
        """A finding's message in the page's language (:mod:`verify.finding_text`)."""
        return message_zh(finding) if self.lang == "zh" else finding.message

    def value(self, value: object) -> str:
        """An enumerated value of the ledger's data in the page's language."""
        text = "" if value is None else str(value)
        return _VALUES[self.lang].get(text, text)

    def key_source(self, source: str) -> str:
        """Where the log's key came from (:attr:`verify.bundle.Bundle.key_source`), in words."""
        return key_source_zh(source) if self.lang == "zh" else source

    def render(self) -> str:
        label = self.label
        self.w("<!DOCTYPE html>\n", f'<html lang="{"zh-CN" if self.lang == "zh" else "en"}">',
               '<head><meta charset="utf-8">',
               '<meta name="viewport" content="width=device-width, initial-scale=1">',
               f"<title>{_t(label['title'])} — {_t(self.acc.origin or '')}</title>",
               f"<style>{_CSS}</style></head><body>\n",
               f"<h1>{_t(label['title'])}</h1>\n")
        self.summary()
        self.agency()
        self.tasks()
        self.officers()
        self.w(f"<p><small>{_t(label['generated'])} · {_t(label['lang_note'])}</small></p>\n",
               "</body></html>\n")
        return "".join(self.out)

    # -- the summary ------------------------------------------------------------------------------
    def summary(self) -> None:
        label, acc, report = self.label, self.acc, self.acc.report
        summary = acc.summary()
        verdict = OK if report.ok else FAILED
        text = label["verdict_ok"] if report.ok else label["verdict_failed"]
        self.w(f'<h2 id="summary">{_t(label["summary"])}</h2>\n',
               f'<p class="verdict {_CLASS[verdict]}">{_t(text)}</p>\n',
               '<table class="counts"><tr>',
               f'<th>{_t(label["passed"])}</th><th>{_t(label["failed"])}</th>',
               f'<th>{_t(label["late"])}</th></tr><tr>',
               f'<td class="ok">{summary["passed"]}</td><td class="failed">{summary["failed"]}</td>',
               f'<td class="late">{summary["late"]}</td></tr></table>\n')
        verified = report.checkpoints_verified
        checkpoints = label["checkpoint_summary"].format(
            count=len(verified), latest=max(verified)) if verified else label["none"]
        trusted = label["none"] if report.trusted_size is None else str(report.trusted_size)
        officers = summary["officers"]
        rows = [
            (label["tasks"], str(summary["tasks"])),
            (label["origin"], report.origin or "?"),
            (label["agency"], acc.agency_name or "?"),
            (label["division"], acc.division_code or "?"),
            (label["events"], str(report.events)),
            (label["checkpoints"], checkpoints),
            (label["trusted"], trusted),
            (label["key"], self.key_source(report.key_source)),
            (label["draws_replayed"], str(report.draws_checked)),
            (label["draws_sealed"], str(report.draws_sealed)),
            (label["officer_counts"], " · ".join(
                f"{_STATUS[self.lang][s]} {officers[s]}" for s in
                (BY_THE_BOOK, LATE, NOT_BY_THE_BOOK, NO_STEPS) if officers[s])),
            (label["findings"], f"{label['failed']} {summary['findings']['failed']} · "
             f"{label['late']} {summary['findings']['late']}"),
        ]
        self.w("<table>", *(f"<tr><th>{_t(k)}</th><td>{_t(v)}</td></tr>" for k, v in rows),
               "</table>\n")
        unchecked = not_checked(report, self.lang)
        if unchecked:
            self.w(f'<h3 id="not-checked">{_t(label["not_checked"])}</h3>\n<ul>',
                   *(f"<li>{_t(said)}</li>" for said in unchecked), "</ul>\n")

    # -- the agency -------------------------------------------------------------------------------
    def agency(self) -> None:
        label, acc = self.label, self.acc
        self.w(f'<h2 id="agency">{_t(label["agency"])}: {_t(acc.agency_name or "")} '
               f'({_t(acc.division_code or "")})</h2>\n', f"<h3>{_t(label['draws'])}</h3>\n")
        self.w("<table><tr>", *(f"<th>{_t(label[k])}</th>" for k in
                                ("draw", "period", "kind", "steps", "disclosed", "status")), "</tr>")
        for draw in acc.draws:
            self.draw_row(draw)
        self.w("</table>\n", f"<h3>{_t(label['agency_findings'])}</h3>\n")
        self.findings(acc.agency_findings)

    def draw_row(self, draw: DrawSummary) -> None:
        steps = "<br>".join(
            f"{_t(_STEPS[self.lang].get(s.step, s.step))} {_t(s.date or '')} "
            f"#{s.index} {_c(s.entry[:16])}" for s in draw.steps)
        yes = self.label["yes"] if draw.disclosed else self.label["no"]
        self.w(f"<tr><td>{_t(draw.draw_id)}</td><td>{_t(draw.period)}</td>"
               f"<td>{_t(self.value(draw.kind))}</td>",
               f"<td>{steps}</td><td>{_t(yes)}</td><td>{self.status(draw.status)}</td></tr>")

    def findings(self, findings: list[Finding]) -> None:
        if not findings:
            self.w(f'<p class="ok">{_t(self.label["no_findings"])}</p>\n')
            return
        self.w("<table><tr>", *(f"<th>{_t(self.label[k])}</th>" for k in
                                ("status", "rule", "where", "message")), "</tr>")
        for f in findings:
            self.w(f"<tr><td>{self.status(LATE if f.severity == 'late' else FAILED)}</td>",
                   f"<td>{_t(self.rule(f.rule))}</td>"
                   f"<td>{_t(where_zh(f) if self.lang == 'zh' else f.where())}</td>"
                   f"<td>{_t(self.message(f))}</td></tr>")
        self.w("</table>\n")

    # -- the tasks --------------------------------------------------------------------------------
    def tasks(self) -> None:
        label = self.label
        self.w(f'<h2 id="tasks">{_t(label["tasks"])} ({len(self.acc.tasks)})</h2>\n')
        for task in self.acc.tasks:
            self.task(task)

    def task(self, task: Task) -> None:
        label = self.label
        team = ", ".join(task.team) if task.team is not None else label["team_unknown"]
        self.w(f'<section class="task" id="{self.anchors[task.id]}">',
               f"<h3>{_t(task.draw_id)} · {_t(task.unit)} {_t(task.unit_name)} — "
               f"{self.status(task.status)}</h3>\n",
               f"<p>{_t(label['team'])}: {_t(team)}</p>\n", "<table><tr>",
               *(f"<th>{_t(label[k])}</th>" for k in
                 ("step", "date", "by", "status", "index", "entry", "findings", "proof")), "</tr>")
        for step in task.steps:
            self.step_row(step)
        self.w("</table>\n")
        if task.record is not None:
            self.record(task.record)
        self.w("</section>\n")

    def step_row(self, step: Step) -> None:
        findings = "<br>".join(f"{self.status(LATE if f.severity == 'late' else FAILED)} "
                               f"[{_t(self.rule(f.rule))}] {_t(self.message(f))}"
                               for f in step.findings)
        by = step.actor or (self.label["opened_with"] if step.step == "opened" else "")
        if step.officers and step.step != "recusal_requested":
            by = f"{by} ({', '.join(step.officers)})" if by else ", ".join(step.officers)
        self.w(f"<tr><td>{_t(_STEPS[self.lang].get(step.step, step.step))}</td>",
               f"<td>{_t(step.date or '')}</td><td>{_t(by)}</td><td>{self.status(step.status)}</td>",
               f"<td>{step.index}</td><td>{_c(step.entry[:16])}</td><td>{findings}</td><td>")
        self.proof(step)
        self.w("</td></tr>")

    def proof(self, step: Step) -> None:
        label = self.label
        if step.proof is None:
            self.w(f"<small>{_t(label['no_proof'])}</small>")
            return
        proof = step.proof.as_dict()
        self.w(f"<details><summary>{_t(label['tree_size'])} {proof['tree_size']}</summary>",
               f"<div>{_t(label['entry'])}: {_c(step.entry)}</div>",
               f"<div>{_t(label['leaf'])}: {_c(proof['leaf_hash'])}</div>",
               f"<div>{_t(label['root'])}: {_c(proof['root'])}</div>",
               f"<div>{_t(label['path'])}:</div><ol>",
               *(f"<li>{_c(h)}</li>" for h in proof["hashes"]), "</ol></details>")

    def record(self, record: dict[str, Any]) -> None:
        label = self.label
        self.w(f"<details><summary>{_t(label['record'])}</summary><table>")
        for key, name in (("visited_on", "visited_on"), ("place", "place"),
                          ("status", "operating"), ("officers", "team")):
            value = record.get(key)
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            elif key == "status":
                value = self.value(value)
            self.w(f"<tr><th>{_t(label[name])}</th><td>{_t(value)}</td></tr>")
        items = record.get("items") if isinstance(record.get("items"), list) else []
        assert isinstance(items, list)
        rendered = "<br>".join(
            _t(" · ".join((str(i.get("item", "")), self.value(i.get("finding")),
                           str(i.get("description", "")))))
            for i in items if isinstance(i, dict))
        self.w(f"<tr><th>{_t(label['items'])}</th><td>{rendered}</td></tr>")
        orders = record.get("orders") if isinstance(record.get("orders"), list) else []
        assert isinstance(orders, list)
        rendered = "<br>".join(_t(f"{o.get('order', '')} ({o.get('due', '')})")
                               for o in orders if isinstance(o, dict))
        self.w(f"<tr><th>{_t(label['orders'])}</th><td>{rendered}</td></tr>",
               f"<tr><th>{_t(label['remarks'])}</th><td>{_t(record.get('remarks', ''))}</td></tr>",
               "</table></details>\n")

    # -- the officers -----------------------------------------------------------------------------
    def officers(self) -> None:
        label = self.label
        self.w(f'<h2 id="officers">{_t(label["officers"])} ({len(self.acc.officers)})</h2>\n',
               "<table><tr>", *(f"<th>{_t(label[k])}</th>" for k in
                                ("certificate", "name", "status", "tasks")), "</tr>")
        for officer in self.acc.officers:
            self.officer_row(officer)
        self.w("</table>\n")

    def officer_row(self, officer: Officer) -> None:
        lines = []
        for task in officer.tasks:
            roles = "/".join(_ROLES[self.lang].get(r, r) for r in task.roles)
            steps = "; ".join(f"{_t(_STEPS[self.lang].get(s.step, s.step))} #{s.index} "
                              f"{self.status(s.status)}" for s in task.steps)
            lines.append(f'<a href="#{self.anchors.get(task.task, "")}">{_t(task.task)}</a> '
                         f"({_t(roles)}){': ' + steps if steps else ''}")
        self.w(f"<tr><td>{_t(officer.certificate)}</td><td>{_t(officer.name)}</td>",
               f"<td>{self.status(officer.status)}</td><td>{'<br>'.join(lines)}</td></tr>")
