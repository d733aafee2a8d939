"""Findings and the report of a verification run (the verifier's output model)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    """One thing that is not as it should be."""

    rule: str
    message: str
    index: int | None = None
    file: str | None = None
    line: int | None = None
    severity: str = "failed"  # or "late": accepted by the rules, flagged for the reviewer

    def where(self) -> str:
        parts = []
        if self.index is not None:
            parts.append(f"log index {self.index}")
        if self.file is not None:
            parts.append(f"{self.file}:{self.line}" if self.line is not None else self.file)
        return ", ".join(parts) or "bundle"

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "message": self.message, "index": self.index,
                "file": self.file, "line": self.line, "severity": self.severity}


@dataclass
class Report:
    events: int = 0
    aggregates: int = 0
    checkpoints_verified: list[int] = field(default_factory=list)
    trusted_size: int | None = None
    key_source: str = ""
    origin: str | None = None
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    draws_checked: int = 0
    draws_sealed: int = 0
    #: A public bundle's summary (:meth:`verify.ledger_check._Walk.public_summary`); None otherwise.
    public: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        """By the book: no finding that fails a rule (steps flagged late are accepted)."""
        return not self.failed

    @property
    def failed(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "late"]

    @property
    def late(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "late"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "events": self.events, "aggregates": self.aggregates,
            "origin": self.origin, "key_source": self.key_source,
            "checkpoints_verified": self.checkpoints_verified, "trusted_size": self.trusted_size,
            "seconds": round(self.seconds, 3), "draws_checked": self.draws_checked,
            "draws_sealed": self.draws_sealed, "public": self.public,
            "not_checked": not_checked(self, "en"),
            "findings": [f.as_dict() for f in self.findings],
        }


#: What a public bundle cannot show, and why (Chinese, English): see :func:`not_checked`.
_NOT_CHECKED = {
    "withheld": (
        "{n} 个事件只有日志条目（哈希）而没有正文：规则不公开其内容（个人信息、内部记录）。"
        "已核验它们在日志中的位置和签名检查点，未核验其内容。按类型：{types}",
        "{n} event(s) are present only as their log entry (hash), without a body: the rules do not "
        "make their content public (personal data, internal records). Their place in the log and "
        "the signed checkpoints over them were checked; their content was not. By type: {types}"),
    "links": (
        "{n} 条哈希链链接跨过未公开的事件：只核验了前一哈希是本日志中更早的一个条目。",
        "{n} chain link(s) cross a withheld event: only that the previous hash is an earlier entry "
        "of this log was checked."),
    "rules": (
        "未核验抽查规则（rule-*：名录、检查人员、回避、检查记录、期限）：这些核验需要名录库、检查人员名录、利益冲突和"
        "检查记录，其中含个人信息，只在审计包中提供给审计人员。",
        "The inspection rules (rule-*: directory, roster, conflicts, records, deadlines) were not "
        "checked: they need the directories, the declared conflicts and the inspection records, "
        "which hold personal data and are given to auditors in the audit bundle only."),
    "conflicts": (
        "抽取 {draw}：已完整复算种子、抽取对象和检查组；检查组分配有 {n} 处跳过了依顺序应选的检查人员，"
        "只能以利益冲突（回避）解释。利益冲突属个人信息，不在公开包中：这些冲突是否确已申报、被分配的检查人员"
        "是否与被检查单位有利益冲突，须由持有审计包（conflicts.csv）的复核人员核对。",
        "Draw {draw}: the seed, the selection and the teams were recomputed in full; the "
        "assignment skips the inspector its order gives {n} time(s), which only a conflict of "
        "interest (回避) explains. Conflicts are personal data and not in a public bundle: whether "
        "those were declared, and whether an assigned inspector has a conflict with the unit, "
        "can be checked only by a reviewer holding the audit bundle (conflicts.csv)."),
    "proofs": (
        "抽取 {draw} 在抽取时以加盐承诺记录了 {n} 个利益冲突（UnitsDrawn.conflict_commitments）："
        "机关可向复核人员逐条证明某一冲突（spotcheck draw conflict-proof；"
        "复核人员用 spotcheck-verify conflict-proof 核对），而不公开其他冲突。",
        "Draw {draw} committed {n} conflict(s) at its run, each under a salt "
        "(UnitsDrawn.conflict_commitments): the agency can prove any one of them to a reviewer "
        "(spotcheck draw conflict-proof; the reviewer checks it with spotcheck-verify "
        "conflict-proof) without publishing the others."),
    "sealed": (
        "抽取 {draw} 尚未公开（密钥未发布）：只核验了仪式步骤的顺序；名单在公开前保密。",
        "Draw {draw} is not disclosed yet (its key is not published): only the order of its "
        "ceremony was checked; the list stays secret until disclosure."),
    "recusals": (
        "{n} 次抽取后的检查人员回避（InspectorRecused）未公开（其理由即利益冲突）：回避后的检查组未核验。",
        "{n} recusal(s) after fixing (InspectorRecused) are withheld (their reason is a conflict of "
        "interest): the teams after them were not checked."),
}


def not_checked(report: Report, lang: str = "zh") -> list[str]:
    """What the run could not check and why, in plain words (``zh`` or ``en``): empty for an
    audit bundle, where everything is checked."""
    if report.public is None:
        return []
    at = 0 if lang == "zh" else 1
    summary = report.public
    said: list[str] = []
    types = summary.get("withheld_types", {})
    if summary.get("withheld"):
        listed = "，".join if at == 0 else ", ".join
        said.append(_NOT_CHECKED["withheld"][at].format(
            n=summary["withheld"], types=listed(f"{t.split(':')[-1]} {c}" for t, c in types.items())))
    if summary.get("links_across_withheld"):
        said.append(_NOT_CHECKED["links"][at].format(n=summary["links_across_withheld"]))
    said.append(_NOT_CHECKED["rules"][at])
    committed = summary.get("conflicts_committed", {})
    for draw, skips in summary.get("conflict_skips", {}).items():
        said.append(_NOT_CHECKED["conflicts"][at].format(draw=draw, n=skips))
        if committed.get(draw) is not None:
            said.append(_NOT_CHECKED["proofs"][at].format(draw=draw, n=committed[draw]))
    for draw in summary.get("draws_sealed", []):
        said.append(_NOT_CHECKED["sealed"][at].format(draw=draw))
    recusals = types.get("ledger.draw:Draw.InspectorRecused", 0)
    if recusals:
        said.append(_NOT_CHECKED["recusals"][at].format(n=recusals))
    return said
