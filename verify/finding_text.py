"""The verifier's findings in Chinese (核验发现的中文表述), for the HTML report.

The verifier stays standalone (standard library and ``cryptography`` only), so it keeps its own
catalog rather than the service's: every rule's Chinese name (:data:`RULE_NAMES`), and the whole
message of the findings a county's quarter raises (late steps, open orders, back-dating, records
short of the rules) translated by pattern. A finding without a pattern reads as its Chinese rule
name with the English detail after it, so nothing is hidden.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from verify.findings import Finding

#: Each rule of the verifier, as a reviewer reads it.
RULE_NAMES: dict[str, str] = {
    "event-hash": "事件哈希不符", "log-entry": "日志条目不符", "log-order": "日志顺序不符",
    "log-shrank": "日志变短", "log-truncated": "日志被截断", "missing-event": "缺少事件",
    "malformed-event": "事件格式有误", "malformed-line": "行格式有误", "line-too-long": "行过长",
    "unlogged": "未记入日志的事件", "manifest": "清单不符", "unknown-origin": "来源不明",
    "no-checkpoint": "没有检查点", "checkpoint-file": "检查点文件有误",
    "checkpoint-signature": "检查点签名无效", "checkpoint-key": "检查点密钥不符",
    "checkpoint-name": "检查点名称不符", "checkpoint-origin": "检查点来源不符",
    "checkpoint-root": "检查点根哈希不符", "checkpoint-conflict": "检查点相互矛盾",
    "received-checkpoint": "另行收到的检查点不符", "trusted-checkpoint": "可信检查点不符",
    "cosignature": "见证签名无效", "key-rotation": "密钥轮换有误",
    "draw-order": "抽取顺序不符", "draw-files": "抽取文件不符", "draw-list": "抽取名单不符",
    "draw-seed": "种子不符", "draw-seal": "密封值不符", "draw-reveal": "揭示不符",
    "draw-amendment": "名单变更不符",
    "rule-window": "抽查窗口", "rule-population": "抽查对象总体", "rule-roster": "执法人员名单",
    "rule-conflicts": "利害关系", "rule-plan": "年度计划", "rule-sizes": "抽取数量",
    "rule-record": "检查记录", "rule-deadline": "期限计算", "rule-unit-cap": "每人任务上限",
    "rule-key-coverage": "密钥覆盖", "rule-data": "数据有误",
    "record-late": "检查记录逾期", "disclosure-late": "结果公开逾期", "plan-late": "年度计划逾期",
    "order-overdue": "责令改正逾期未整改", "backdated": "倒签",
}

_STEP = {"record": "检查记录", "disclosure": "结果公开"}
_UNIT = {"working_days": "个工作日", "days": "日", "calendar_days": "日"}


def _late(m: re.Match[str]) -> str:
    return (f"{m['label']}：{_STEP.get(m['step'], m['step'])}在期限 {m['due']}（{m['count']} "
            f"{_UNIT.get(m['unit'], m['unit'])}）之后 {m['late']} 个工作日才完成")


_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(pattern, re.S), render) for pattern, render in (
        (r"^(?P<label>.+): (?P<step>record|disclosure) (?P<late>\d+) working day\(s\) after the "
         r"deadline (?P<due>\S+) \((?P<count>\d+) (?P<unit>\w+)\)$", _late),
        (r"^(?P<label>.+): order (?P<n>\d+) \((?P<order>.*)\) was due (?P<due>\S+), not recorded as "
         r"rectified: (?P<days>\d+) working day\(s\) overdue as of (?P<asof>\S+)$",
         lambda m: f"{m['label']}：第 {m['n']} 项责令改正（{m['order']}）期限为 {m['due']}，未记录整改"
         f"完成：截至 {m['asof']} 已逾期 {m['days']} 个工作日"),
        (r"^(?P<year>\d+) plan: recorded on (?P<on>\S+), after the rulebook's due date (?P<due>\S+)$",
         lambda m: f"{m['year']} 年度计划于 {m['on']} 记录，晚于规则手册规定的期限 {m['due']}"),
        (r"^(?P<label>.+): (?P<step>.+) claims (?P<day>\S+) but was (?P<clock>recorded|after a witness "
         r"cosigned the log without it, at) (?P<on>\S+) \((?P<n>\d+) days later;.*\)$",
         lambda m: f"{m['label']}：{m['step']} 自称日期为 {m['day']}，但"
         + ("记录于" if m["clock"] == "recorded" else "在见证人签署不含它的检查点之后，即")
         + f" {m['on']}（晚 {m['n']} 天；倒签可使逾期或窗口外的步骤显得合规）"),
        (r"^(?P<label>.+): (?P<n>\d+) officer\(s\) present, the rulebook's team is (?P<t>\d+)$",
         lambda m: f"{m['label']}：到场 {m['n']} 名执法人员，规则手册要求每组 {m['t']} 名"),
        (r"^(?P<label>.+): filed by (?P<who>\S+), who was not present$",
         lambda m: f"{m['label']}：填报人 {m['who']} 不在到场人员之中"),
        (r"^(?P<label>.+): items not covered: (?P<items>.+)$",
         lambda m: f"{m['label']}：未填写的检查事项：{m['items']}"),
        (r"^(?P<label>.+): the (?P<step>\w+) is (?P<late>\d+) working day\(s\) late, the ledger says "
         r"(?P<said>\d+)$",
         lambda m: f"{m['label']}：{_STEP.get(m['step'], m['step'])}实际逾期 {m['late']} 个工作日，"
         f"账本记为 {m['said']} 个"),
    ))


def rule_name(rule: str) -> str:
    """The rule's Chinese name (the code itself for one not listed)."""
    return RULE_NAMES.get(rule, rule)


def message_zh(finding: Finding) -> str:
    """The finding's message in Chinese: translated whole where a pattern knows it, else the
    English detail after the rule's Chinese name."""
    for pattern, render in _PATTERNS:
        found = pattern.match(finding.message)
        if found is not None:
            return render(found)
    return f"{rule_name(finding.rule)}（原文：{finding.message}）"


def key_source_zh(source: str) -> str:
    """Where the log's key came from (:attr:`verify.bundle.Bundle.key_source`), in Chinese."""
    if source.startswith("trusted key "):
        rest = source.removeprefix("trusted key ")
        path, _, more = rest.partition("; and ")
        rotated = re.match(r"^(?P<n>\d+) key\(s\) the log rotated to.*$", more)
        return (f"可信公钥 {path}（由核验人另行提供）"
                + (f"；另有日志轮换后的 {rotated['n']} 个密钥，均由前一密钥交接" if rotated else
                   (f"；{more}" if more else "")))
    if source.startswith("the bundle's own key"):
        return "审计包自带的公钥（keys/log.vkey）；用 --key 提供另行取得的公钥可独立核对"
    return source


def where_zh(finding: Finding) -> str:
    """:meth:`Finding.where` in Chinese."""
    parts = []
    if finding.index is not None:
        parts.append(f"日志序号 {finding.index}")
    if finding.file is not None:
        parts.append(f"{finding.file}:{finding.line}" if finding.line is not None else finding.file)
    return "，".join(parts) or "审计包"
