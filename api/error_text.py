"""Errors in the reader's language, mapped once at the edge (错误提示的中文).

The ledger raises :class:`ledger.errors.SpotcheckError` with an English message ``field: rule``
(the domain stays free of presentation). Every entry point shows it through :func:`message`:

* the **field** is named as the user wrote it — the option (``--on``), the column header
  (``类别``), the record's item as people count it (检查事项第 3 项) — never an internal name
  (``frozen_on``, ``record.items[2].item``); :data:`FIELDS` holds both languages' names;
* the **rule** of the errors a bureau meets in a quarter (imports, rulebook adoption, the plan,
  the draw's steps, records, publication) is translated whole by :data:`RULES`, patterns over the
  English rule that keep its values; a rule without a translation is shown in a Chinese frame —
  the kind of failure, the field, the rule as written, and what to do next (:data:`NEXT_STEP`);
* values the user typed in Chinese are echoed in Chinese (``found 'county'`` → “县控”).

The English message stays the one the code wrote, with the field renamed where the code's name is
not the user's. Tests cover the translated rules (``tests/test_language.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from api.language import Lang, current
from api.words import WORDS
from ledger.errors import Kind, SpotcheckError, split_message

#: The kind of failure, and what to do next, in Chinese.
KIND_ZH: dict[str, str] = {
    "invalid": "输入有误", "conflict": "当前状态不允许此操作", "not_found": "未找到",
    "unauthenticated": "身份未验证", "forbidden": "无权操作", "integrity": "账本数据不一致",
    "unavailable": "无法访问",
}
NEXT_STEP: dict[str, str] = {
    "invalid": "请按上述规则改正后重试。",
    "conflict": "请先查看当前状态（show/list 命令）再决定下一步。",
    "not_found": "请核对名称或代码（list 命令可列出已有的）。",
    "unauthenticated": "请重新登录或取得有效的令牌。",
    "forbidden": "请由有权限的角色办理。",
    "integrity": "请停止操作并查明原因，切勿盲目重试；请联系系统管理员或上级核验。",
    "unavailable": "请检查数据库或密钥文件是否可用后重试。",
}

#: A field's name as the user wrote it: (English, Chinese).
FIELDS: dict[str, tuple[str, str]] = {
    # the draw
    "frozen_on": ("--on (the freeze date)", "冻结日期（--on）"),
    "fixed_on": ("--on (the date the list is fixed)", "名单确定日期（--on）"),
    "disclosed_on": ("--on (the disclosure date)", "公开日期（--on）"),
    "period": ("--period", "抽查季度（--period）"),
    "draw_id": ("DRAW_ID", "抽查编号"),
    "k": ("--k", "熵源序号（--k）"),
    "commitment": ("--commitment", "承诺值（--commitment）"),
    "seed": ("seed", "种子"),
    "calendar": ("calendar", "工作日历"),
    "plan": ("plan", "年度计划"),
    "rulebook": ("rulebook", "规则手册"),
    "agency": ("--agency", "执法机构（--agency）"),
    "unit": ("--unit", "检查对象（--unit）"),
    "certificate": ("--certificate", "执法证号（--certificate）"),
    "recusal": ("recusal", "回避"),
    "witness": ("--witness", "见证人（--witness）"),
    "entropy_plan": ("the entropy plan", "熵源计划"),
    "entropy": ("the entropy sources", "熵源"),
    "value": ("--value", "揭示值（--value）"),
    "fixed_by": ("--by", "确定名单的人（--by）"),
    "who/why": ("--who/--why", "打开人和理由（--who/--why）"),
    "kind": ("--kind", "类型（--kind）"),
    "reason": ("--reason", "理由（--reason）"),
    "approved_by": ("--approved-by", "批准人（--approved-by）"),
    "special": ("--special-share", "特殊监管对象抽查比例（--special-share）"),
    "quota": ("quota", "抽查任务数"),
    "officers": ("officers", "到场执法人员"),
    "officer": ("officer", "执法人员"),
    # the directories (the column headers agencies use)
    "name": ("name", "名称"),
    "credit_code": ("credit_code", "统一社会信用代码"),
    "organisation_code": ("organisation_code", "组织机构代码"),
    "legal_representative": ("legal_representative", "法定代表人"),
    "phone": ("phone", "联系电话"),
    "county": ("county", "所属区县"),
    "industry": ("industry", "行业"),
    "address": ("address", "地址"),
    "category": ("category", "类别"),
    "control_level": ("control_level", "控制级别"),
    "risk_grade": ("risk_grade", "风险等级"),
    "fixed_source_code": ("fixed_source_code", "固定污染源编码"),
    "certificate_no": ("certificate_no", "执法证号"),
    "post": ("post", "职务"),
    "enforcement_category": ("enforcement_category", "执法类别"),
    "expertise": ("expertise", "专业特长"),
    "may_inspect": ("may_inspect", "可检查类别"),
    "outside_expert": ("outside_expert", "外聘专家"),
    "reasons": ("--reason", "理由（--reason）"),
    "active": ("active", "在岗状态"),
    "last_day": ("--to", "结束日期（--to）"),
    "code": ("--code", "区划代码（--code）"),
    "division_code": ("--code", "区划代码（--code）"),
    "minimums": ("the rulebook's minimum ratios", "最低抽查比例"),
    "minimums.key": ("--key-share", "重点排污单位抽查比例"),
    "minimums.general": ("--general-share", "一般排污单位抽查比例"),
    "minimums.special": ("--special-share", "特殊监管对象抽查比例（--special-share）"),
    "minimums.special.share_bp": ("--special-share", "特殊监管对象抽查比例（--special-share）"),
    "parent_id": ("--parent", "上级机构（--parent）"),
    # the inspection record (the record file's fields)
    "record": ("the record", "检查记录"),
    "visited_on": ("visited_on (the visit date)", "检查日期（visited_on）"),
    "place": ("place", "检查地点（place）"),
    "status": ("status", "状态"),
    "record.status": ("status", "生产状态（status）"),
    "items": ("items", "检查事项（items）"),
    "item": ("item", "事项名称"),
    "finding": ("finding", "检查结论"),
    "description": ("description", "问题描述"),
    "annex4": ("annex4", "附件4情况（annex4）"),
    "orders": ("orders", "责令改正事项（orders）"),
    "order": ("order", "改正内容"),
    "facilities_built": ("facilities_built", "污染防治设施建设情况"),
    "facilities_running": ("facilities_running", "污染防治设施运行情况"),
    "outfall_standardised": ("outfall_standardised", "排污口规范化情况"),
    "emissions_within_limits": ("emissions_within_limits", "污染物达标排放情况"),
    "due": ("due", "改正期限"),
    "case": ("case", "立案情况（case）"),
    "penalty": ("penalty", "处罚"),
    "attachments": ("attachments", "附件（attachments）"),
    "sha256": ("sha256", "SHA-256 摘要"),
    "remarks": ("remarks", "备注（remarks，不公开）"),
    "public_remarks": ("public_remarks", "公开说明（public_remarks）"),
    "filed_by": ("--by", "填报人（--by）"),
    "verified_by": ("--verified-by", "核查人（--verified-by）"),
    "requested_by": ("--requested-by", "申请人（--requested-by）"),
    "decided_by": ("--decided-by", "决定人（--decided-by）"),
    "version": ("version", "版本"),
    "unit_id": ("--unit", "单位（--unit）"),
    "rulebook.minimums": ("the rulebook's minimum ratios", "规则手册的最低抽查比例"),
    "disclosed_by": ("--by", "公开经办人（--by）"),
    "replacement": ("replacement", "替补人员"),
    "publication": ("publication", "结果公开"),
    "result": ("result", "检查结果"),
    # options of the command line
    "--on": ("--on", "日期（--on）"),
    "--file": ("--file", "文件（--file）"),
    "--out": ("--out", "输出文件（--out）"),
    "--lang": ("--lang", "语言（--lang）"),
    "--agency": ("--agency", "执法机构（--agency）"),
    "--set": ("--set", "修改项（--set）"),
    "--special-share": ("--special-share", "特殊监管对象抽查比例（--special-share）"),
    "--with-values": ("--with-values", "附带揭示值（--with-values）"),
    "--quarter": ("--quarter", "季度（--quarter）"),
    "VALUE": ("VALUE", "见证人选定的值（VALUE）"),
    "--batch-size": ("--batch-size", "每批数量（--batch-size）"),
    "--workers": ("--workers", "工作进程数（--workers）"),
    "--port": ("--port", "端口（--port）"),
    "--withhold": ("--withhold", "不公开的字段（--withhold）"),
    "--reviewed-on": ("--reviewed-on", "审查日期（--reviewed-on）"),
}

# record.items[2].item → items, 2, item
_PATH = re.compile(r"^(?P<head>[A-Za-z_][\w-]*)(?:\[(?P<index>\d+)\])?(?:\.(?P<tail>[A-Za-z_]\w*))?$")


def field_label(field: str, lang: Lang | None = None, surface: Surface = "cli") -> str:
    """The field as the user wrote it, in ``lang`` (default: the current language). On the
    service (``surface="http"``) the user wrote the JSON field: English keeps it, Chinese names it
    without the command line's option."""
    lang = lang or current()
    if surface == "http":
        if lang != "zh":
            return field
        return re.sub(r"（--[\w-]+）$", "", field_label(field, "zh"))
    pick = 1 if lang == "zh" else 0
    if field in FIELDS:
        return FIELDS[field][pick]
    name = field.removeprefix("record.").removeprefix("details.")
    if name in FIELDS:
        return FIELDS[name][pick]
    found = _PATH.match(name)
    if found is None or (found["index"] is None and found["tail"] is None) \
            or found["head"] not in FIELDS:
        return name  # a file's path, a name of the code's own
    head = FIELDS.get(found["head"], (found["head"], found["head"]))[pick]
    tail = FIELDS.get(found["tail"] or "", (found["tail"], found["tail"]))[pick]
    if found["index"] is None:
        return f"{head}：{tail}" if lang == "zh" else f"{head}, {tail}"
    number = int(found["index"]) + 1  # as people count
    if lang == "zh":
        return f"{head}第 {number} 项" + (f"的{tail}" if found["tail"] else "")
    return f"{found['head']} no. {number}" + (f", {found['tail']}" if found["tail"] else "")


#: The words (:data:`api.words.WORDS`) of a field's values, where the field names them.
FIELD_WORDS = {"control_level": "control_level", "category": "category", "status": "status",
               "finding": "finding", "facilities_running": "facilities_running"}


def _word_for(value: str, field: str) -> str | None:
    """An enumerated value's Chinese word: from the field's own words, else from the only group of
    words that has it (an ambiguous value — ``county`` a level or a kind — keeps no word)."""
    name = field.rsplit(".", 1)[-1].split("[", 1)[0]
    group = FIELD_WORDS.get(name)
    if group is not None:
        return WORDS[group].get(value)
    found = {words[value] for words in WORDS.values() if value in words}
    return found.pop() if len(found) == 1 else None


def _quoted(text: str, field: str = "") -> str:
    """``'county'`` → “县控” where it is the field's enumerated value; other quotes as Chinese
    quotes."""
    def one(match: re.Match[str]) -> str:
        value = match.group(1)
        return f"“{_word_for(value, field) or value}”"
    return re.sub(r"'([^']*)'", one, text)


def _listed(text: str, field: str = "") -> str:
    """``key, general, special`` → 顿号 between the values, each with its Chinese word: from the
    field's words, else from the group of words that knows most of them."""
    parts = [p.strip() for p in text.split(",")]
    name = field.rsplit(".", 1)[-1].split("[", 1)[0]
    group = FIELD_WORDS.get(name) or max(
        WORDS, key=lambda g: sum(part in WORDS[g] for part in parts))
    words = WORDS[group]
    return "、".join(f"{words[part]}（{part}）" if part in words and words[part] != part else part
                    for part in parts)


Surface = Literal["cli", "http"]
Rule = tuple[re.Pattern[str], Callable[[re.Match[str], str], str | None]]


def _rule(pattern: str, zh: str | Callable[[re.Match[str], str], str | None]) -> Rule:
    """A rule's pattern and its Chinese: a template of the pattern's groups (quoted values in
    Chinese quotes, an enumerated value as its word), or a function of the match and the field."""
    if isinstance(zh, str):
        template = zh
        return re.compile(pattern, re.S), lambda m, f: template.format(**{
            k: _quoted(v, f) if v is not None else "" for k, v in m.groupdict().items()})
    return re.compile(pattern, re.S), zh


#: Rules of the errors met in a quarter, translated whole: (pattern over the English rule, Chinese).
RULES: tuple[Rule, ...] = (
    # dates, files, codes
    _rule(r"^'?(?P<v>[^']*)'? is not a date \(?YYYY-MM-DD\)?$",
          "“{v}”不是日期：请写成 YYYY-MM-DD，例如 2026-03-02。"),
    _rule(r"^'(?P<v>[^']*)' is not a quarter like 2026Q1 \(year, Q, quarter 1-4\)$",
          "“{v}”不是季度：请写成 年份+Q+季度序号，例如 2026Q1（季度为 1—4）。"),
    _rule(r"^(?P<v>[^\s;,()]+) is not a quarter \(1-4\)$", "{v} 不是季度：季度为 1—4。"),
    _rule(r"^a date YYYY-MM-DD$", "须填写日期，格式 YYYY-MM-DD，例如 2026-03-02。"),
    _rule(r"^(?P<p>.+): no such file$", "找不到文件 {p}：请检查路径和文件名。"),
    _rule(r"^(?P<p>.+): not a \.csv or \.xlsx file$", "{p} 不是 .csv 或 .xlsx 文件：请另存为其中一种格式。"),
    _rule(r"^(?P<p>.+): not UTF-8 text(?: \(save the CSV as UTF-8\))?$",
          "{p} 不是 UTF-8 文本：请在表格软件中另存为“CSV UTF-8”格式。"),
    _rule(r"^(?P<p>.+): the file is empty \(no header row\)$",
          "{p} 是空文件（没有表头行）：请填写表头和数据。"),
    _rule(r"^(?P<p>.+): not a readable \.xlsx file \((?P<e>.*)\)$",
          "{p} 无法作为 .xlsx 文件读取（{e}）：请用表格软件重新保存。"),
    _rule(r"^(?P<p>.+?): row 1, column (?P<c>.+?): unknown column \(known: (?P<k>.+)\)$",
          "{p}：第 1 行的列名“{c}”无法识别：可用的列名有 {k}；请改为其中之一或删除该列。"),
    _rule(r"^(?:(?P<p>.+?): )?(?P<n>\d+) bad row\(s\), (?P<k>\d+) problem\(s\), nothing imported:"
          r"\n(?P<rows>.*)$",
          lambda m, f: (f"{m['p']}：" if m["p"] else "")
          + f"有 {m['n']} 行共 {m['k']} 处错误，未导入任何内容（请全部改正后重新导入）：\n"
          + _import_rows(m["rows"])),
    _rule(r"^(?:(?P<p>.+?): )?(?P<n>\d+) bad row\(s\), nothing imported:\n(?P<rows>.*)$",
          lambda m, f: (f"{m['p']}：" if m["p"] else "")
          + f"有 {m['n']} 处错误，未导入任何内容（请全部改正后重新导入）：\n" + _import_rows(m["rows"])),
    _rule(r"^no such file$", "找不到该文件：请检查路径和文件名。"),
    _rule(r"^(?P<p>.+): larger than (?P<n>\d+) bytes$", "{p} 超过 {n} 字节：请确认是否给错了文件。"),
    _rule(r"^(?P<p>.+): not a regular file$", "{p} 不是普通文件：请给出文件的路径。"),
    _rule(r"^(?P<p>.+): holds a JSON object \((?P<w>[^)]*)\), not (?P<t>\w+)$",
          lambda m, f: f"{m['p']} 的内容须是一个 JSON 对象（{_json_what(m['w'])}），而不是 {m['t']}。"),
    _rule(r"^(?P<p>[^:]+): (?P<e>Expecting .*|Unterminated .*|Extra data.*|Invalid .*)$",
          "{p} 不是有效的 JSON（{e}）：请用 JSON 校验工具检查括号、引号和逗号。"),
    _rule(r"^not a regular file$", "不是普通文件：请给出文件的路径。"),
    _rule(r"^not a \.csv or \.xlsx file$", "不是 .csv 或 .xlsx 文件：请另存为其中一种格式。"),
    _rule(r"^not UTF-8 text(?: \(save the CSV as UTF-8\))?$",
          "不是 UTF-8 文本：请在表格软件中另存为“CSV UTF-8”格式。"),
    _rule(r"^the file is empty \(no header row\)$", "是空文件（没有表头行）：请填写表头和数据。"),
    _rule(r"^row 1, column (?P<c>.+?): unknown column \(known: (?P<k>.+)\)$",
          "第 1 行的列名“{c}”无法识别：可用的列名有 {k}；请改为其中之一或删除该列。"),
    # codes
    _rule(r"^GB 32100 check character \(position 18\) of (?P<c>[^\s;,()]+) is wrong: expected "
          r"'(?P<e>.)', found '(?P<f>.)'; the code would be (?P<w>\w+)$",
          "{c} 的第 18 位校验码不对（GB 32100）：按前 17 位应为“{e}”，填写的是“{f}”，"
          "正确的代码应是 {w}；请核对营业执照上的代码。"),
    _rule(r"^GB 32100 check character \(position 18\) of (?P<c>[^\s;,()]+) is wrong: expected "
          r"'(?P<e>.)', found '(?P<f>.)'$",
          "{c} 的第 18 位校验码不对（GB 32100）：按前 17 位应为“{e}”，填写的是“{f}”；"
          "请核对营业执照上的代码。"),
    _rule(r"^'(?P<c>[^']*)' must be 18 characters \(GB 32100-2015\), got (?P<n>\d+)$",
          "“{c}”须为 18 位（GB 32100-2015），实际 {n} 位：请核对营业执照上的代码。"),
    _rule(r"^'(?P<c>[^']*)' holds '(?P<b>[^']*)'; only digits and upper-case letters except I, O, Z, S, V"
          r" are allowed.*$",
          "“{c}”含有“{b}”：只能使用数字和除 I、O、Z、S、V 以外的大写字母（GB 32100-2015 第 4 条）。"),
    _rule(r"^embedded organisation code (?P<o>[^\s;,()]+) \(positions 9-17\) has a wrong check character "
          r"\(GB 11714-1997\): expected '(?P<e>.)', found '(?P<f>.)'$",
          "第 9—17 位的组织机构代码 {o} 校验码不对（GB 11714-1997）：应为“{e}”，填写的是“{f}”。"),
    _rule(r"^no agency with division code (?P<c>[^\s;,()]+)(?: \(see `spotcheck agency list`\))?$",
          "没有区划代码为 {c} 的执法机构：用 `spotcheck agency list` 查看已有机构。"),
    _rule(r"^no agency with division code (?P<c>[^\s;,()]+) in the (?P<v>work view|quota table) .*$",
          lambda m, f: f"{'工作视图' if m['v'] == 'work view' else '任务完成情况表'}中没有区划代码为 "
          f"{m['c']} 的执法机构：若刚在本机设立，请先运行 `spotcheck project run`。"),
    # imports and the directory
    _rule(r"^already registered with other values: (?P<w>.+)\. Keep the ledger's values with "
          r"--keep-ledger, or change the entry with an update, not an import$",
          lambda m, f: f"已登记且内容不同：{_differences(m['w'])}。"
          "要保留账本中的值，请加 --keep-ledger 重新导入；"
          "要修改已登记的条目，请用 `spotcheck entities update`（或 reclassify、special 等），"
          "不要重复导入。"),
    _rule(r"^the ledger's values kept \((?P<w>.+)\)$",
          lambda m, f: f"保留了账本中的值（{_differences(m['w'])}）"),
    _rule(r"^already registered with other values \(change it with an update, not an import\)$",
          "已登记且内容不同：修改已登记的条目请用 `spotcheck entities update`（或 reclassify、special 等），"
          "不要重复导入。"),
    _rule(r"^duplicate of row (?P<n>\d+)$", "与第 {n} 行重复：请删除其中一行。"),
    _rule(r"^a general unit has no control level \(found (?P<v>'[^']*')\);.*$",
          "一般排污单位没有控制级别（填写的是{v}）：请把类别改为“重点”，或清空控制级别。"),
    _rule(r"^'(?P<v>[^']*)' is not one of (?P<c>[^()]+?)(?: \((?P<zh>[^)]*)\))?$",
          lambda m, f: f"{_quoted(repr_(m['v']), f)}不是允许的值；可填：{_listed(m['c'], f)}。"),
    _rule(r"^one of (?P<c>[^()]+)$", lambda m, f: f"须为以下之一：{_listed(m['c'], f)}。"),
    _rule(r"^the draw is already (?P<s>blocked|disclosed|fixed)$",
          lambda m, f: "本次抽查已经" + {"blocked": "终止", "disclosed": "公开",
                                        "fixed": "确定名单"}[m["s"]] + "，无需重复操作。"),
    _rule(r"^(?P<n>.+) is already (?P<s>\w+)$",
          lambda m, f: f"{m['n']} 已经是“{_status(m['s'])}”状态，无需重复操作。"),
    _rule(r"^a value in a column the header does not name; remove it or give the column a known header$",
          "该列没有表头却有内容：请删除这些内容，或为该列填写可识别的表头。"),
    # the rulebook and the plan
    _rule(r"^'(?P<b>[^']*)' is neither a preset \((?P<l>.*)\) nor a file$",
          "“{b}”既不是预设规则手册（{l}），也不是文件：用 `spotcheck rulebook list` 查看预设。"),
    _rule(r"^agency (?P<c>[^\s;,()]+) has no rulebook in force on (?P<d>[^\s;,()]+)$",
          "机构 {c} 在 {d} 没有生效的规则手册：请先 `spotcheck rulebook adopt … --agency {c}`。"),
    _rule(r"^agency (?P<c>[^\s;,()]+) has filed no (?P<y>\d+) annual plan \((?P<cmd>`.*`)\)$",
          "机构 {c} 尚未报送 {y} 年度抽查计划：请先运行 {cmd}。"),
    _rule(r"^the rulebook gives no number for (?P<c>\w+) units(?: \((?P<why>.*)\))?; state one when "
          r"adopting \(--(?P<o>[\w-]+) PERCENT(?:, at least the key units' (?P<k>[\d.]+%))?\)(?P<rest>.*)$",
          lambda m, f: f"规则手册没有规定{WORDS['category'].get(m['c'], m['c'])}的抽查比例"
          + (f"（{_silent_note(m['why'])}）" if m["why"] else "") + f"：采用时请用 --{m['o']} 写明百分比"
          + (f"，不低于重点排污单位的 {m['k']}" if m["k"] else "") + "；系统不会默认为 0。"),
    _rule(r"^(?P<v>[\d.]+%) is below the key units' (?P<k>[\d.]+%); the seeds ask to raise the ratio "
          r"for special objects$",
          "{v} 低于重点排污单位的 {k}：种子文件要求对特殊监管对象加大抽查比例，请写一个不低于 {k} 的比例。"),
    _rule(r"^'(?P<v>[^']*)' is not a 6-digit GB/T 2260 division code$",
          "“{v}”不是 6 位的行政区划代码（GB/T 2260），例如 370112。"),
    _rule(r"^'(?P<v>[^']*)' is not a percentage like 50% or 12\.5%$",
          "“{v}”不是百分比：请写成 50% 或 12.5% 这样的形式。"),
    _rule(r"^'(?P<v>[^']*)' must be more than 0% and at most 100%$", "“{v}”须大于 0% 且不超过 100%。"),
    # the draw
    _rule(r"^(?P<d>[^\s;,()]+) is outside the draw window of (?P<p>[^\s;,()]+), "
          r"(?P<s>[^\s;,()]+)\.\.(?P<e>[\d-]+)(?P<rest>.*)$",
          "{d} 不在 {p} 的抽查窗口（{s} 至 {e}）内：请在窗口内的工作日办理。"),
    _rule(r"^(?P<d>[^\s;,()]+) is not a working day \((?P<w>.+)\); the draw of (?P<p>[^\s;,()]+) "
          r"is frozen and fixed "
          r"on working days only$",
          lambda m, f: f"{m['d']} 不是工作日（{_weekday(m['w'])}）：{m['p']} 的抽查只在工作日冻结和"
          "确定名单。"),
    _rule(r"^(?P<i>[^\s;,()]+) is already frozen; a period has one draw$",
          "{i} 已经冻结：每个季度只有一次抽查（用 `spotcheck draw show {i}` 查看）。"),
    _rule(r"^no draw (?P<i>[^\s;,()]+) \(see `spotcheck draw list`\)$",
          "没有编号为 {i} 的抽查：用 `spotcheck draw list` 查看。"),
    _rule(r"^the entropy plan announced sources 1\.\.(?P<n>\d+), not (?P<k>\d+)$",
          "熵源计划公布的熵源为第 1 至第 {n} 个，没有第 {k} 个：请核对 --k。"),
    _rule(r"^source (?P<k>\d+) of (?P<i>[^\s;,()]+) is a (?P<a>\w+), not a (?P<b>\w+) .*$",
          lambda m, f: f"{m['i']} 的第 {m['k']} 个熵源是“{_entropy(m['a'])}”，不是“{_entropy(m['b'])}”："
          "请用对应的步骤记录它。"),
    _rule(r"^64 lowercase hex digits \(SHA-256 of the value\)$",
          "须为 64 位小写十六进制数字（所选值的 SHA-256）：可用 `spotcheck draw commitment 值` 离线计算。"),
    _rule(r"^the reveal of witness (?P<k>\d+) \((?P<w>.*)\) does not match its commitment$",
          "第 {k} 位见证人（{w}）揭示的值与其承诺不符（已记录在案）：请核对是否一字不差（大小写、空格、"
          "全角半角）；见证人若已无法揭示，只能用 `spotcheck draw block` 终止本次抽查。"),
    _rule(r"^the (?P<s>dice|external) value comes last, after every witness has revealed "
          r"\(not yet: (?P<n>.+)\)$",
          lambda m, f: f"{'掷骰' if m['s'] == 'dice' else '外部公开值'}须在全部见证人揭示之后记录"
          f"（尚未揭示的熵源：{m['n']}）：请先记录见证人揭示（`spotcheck draw reveal`）。"),
    _rule(r"^witness\(es\) (?P<n>.+) have not committed yet; every witness commits before any value "
          r"is recorded$",
          "见证人 {n} 尚未提交承诺：全部见证人都提交承诺后，才能记录任何值（`spotcheck draw commit`）。"),
    _rule(r"^every witness commits before any value is revealed$",
          "全部见证人须在任何值揭示之前提交承诺。"),
    _rule(r"^witness (?P<k>\d+) has already committed$", "第 {k} 位见证人已经提交过承诺。"),
    _rule(r"^source (?P<k>\d+) is already recorded$", "第 {k} 个熵源已经记录过。"),
    _rule(r"^source (?P<k>\d+) is a (?P<a>\w+), not a witness$",
          lambda m, f: f"第 {m['k']} 个熵源是“{_entropy(m['a'])}”，不是见证人。"),
    _rule(r"^announced source\(s\) (?P<n>.+) not recorded yet$",
          "已公布的熵源 {n} 尚未记录：全部记录后才能生成种子。"),
    _rule(r"^the seed is already derived; nothing more is gathered$", "种子已经生成，不再收集熵源。"),
    _rule(r"^the draw runs only after its seed is derived$",
          "生成种子后才能抽取：请先 `spotcheck draw seed`。"),
    _rule(r"^this draw has already been run \(its result is recorded\)$",
          "本次抽查已经抽取过（结果已记录）。"),
    _rule(r"^there is no drawn list to fix yet \(run the draw first\)$",
          "还没有抽取出的名单可以确定：请先 `spotcheck draw run`。"),
    _rule(r"^the list of (?P<i>[^\s;,()]+) is already fixed; it cannot be fixed again or changed .*$",
          "{i} 的名单已经确定，不能再次确定或随意变更（一经确定，不得随意变更）：只能以写明理由和批准人的"
          "变更办理（`spotcheck draw amend`）。"),
    _rule(r"^(?P<d>[^\s;,()]+) is before the freeze \((?P<f>[^\s;,()]+)\)$", "{d} 早于冻结日期 {f}。"),
    _rule(r"^only a fixed list is amended .*$",
          "只有已确定的名单才能变更（确定之前抽取是确定性的，无需变更）。"),
    _rule(r"^the list is disclosed; it is no longer amended$", "名单已经公开，不能再变更。"),
    _rule(r"^an amendment after fixing needs its (?P<w>reason|approver)$",
          lambda m, f: "名单确定后的变更须写明" + ("理由。" if m["w"] == "reason" else "批准人。")),
    _rule(r"^the draw is already blocked$", "本次抽查已经终止。"),
    _rule(r"^a fixed list is amended, never blocked$", "已确定的名单只能变更，不能终止。"),
    _rule(r"^blocking a draw needs its reason$", "终止抽查须写明理由（--reason）。"),
    _rule(r"^fixing a list names who fixed it$", "确定名单须写明由谁确定（--by）。"),
    _rule(r"^opening sealed content names who opens it and why$",
          "打开密封内容须写明打开人（--who）和理由（--why）。"),
    _rule(r"^draw (?P<i>[^\s;,()]+) already has its seed; one draw, one seed$",
          "抽查 {i} 已经生成种子：一次抽查只有一个种子。"),
    _rule(r"^draw (?P<i>[^\s;,()]+) already has its seed; the attempt is recorded$",
          "抽查 {i} 已经生成种子；本次重复尝试已记录在账。"),
    _rule(r"^derive the seed first \((?P<cmd>`.*`)\)$", "请先生成种子：{cmd}。"),
    _rule(r"^draw (?P<i>[^\s;,()]+) is blocked \((?P<r>.*)\); no (?P<s>.+)$",
          "抽查 {i} 已终止（{r}）：不能再办理任何步骤；本季度需重新冻结一次抽查。"),
    _rule(r"^(?P<u>[^\s;,()]+) is not on the fixed list of (?P<i>[^\s;,()]+)$",
          "{u} 不在抽查 {i} 已确定的名单上：请核对统一社会信用代码。"),
    _rule(r"^(?P<c>[^\s;,()]+) is not on the team of (?P<u>[^\s;,()]+)$", "{c} 不是 {u} 检查组的成员。"),
    _rule(r"^the list of (?P<i>[^\s;,()]+) is not drawn yet$",
          "{i} 尚未抽取名单：请先 `spotcheck draw run {i}`。"),
    _rule(r"^the list of (?P<i>[^\s;,()]+) is not fixed; nothing is (?P<rest>.*)$",
          "{i} 的名单尚未确定：请先 `spotcheck draw fix {i}`。"),
    _rule(r"^the list of (?P<p>[^\s;,()]+) stays secret until every visit is recorded or the quarter is over "
          r"\(after (?P<d>[^\s;,()]+)\); 抽查保密(?P<rest>.*)$",
          lambda m, f: f"{m['p']} 的抽查名单须保密，直到全部检查记录填报完毕或季度结束（{m['d']} 之后）"
          + (f"；{_missing(m['rest'])}" if m["rest"].strip("; ") else "") + "。"),
    _rule(r"^give --replace-unit CODE, or --recuse CERT --unit CODE$",
          "请给出 --replace-unit 代码，或 --recuse 执法证号 --unit 代码。"),
    _rule(r"^no eligible officer left for (?P<u>[^\s;,()]+) \((?P<l>.*)\)$",
          "{u} 已没有符合条件的执法人员可替补（{l}）。"),
    _rule(r"^(?P<p>.+): a key for this draw already exists$", "{p}：本次抽查的密钥已存在。"),
    _rule(r"^(?P<p>.+): the key of draw (?P<i>[^\s;,()]+) is not here \(.*\)$",
          "{p}：这里没有抽查 {i} 的密钥（它由机构在数据库之外保管）：请在保管密钥的电脑上操作。"),
    # records
    _rule(r"^(?P<o>[^\s;,()]+) is not on the assigned team \((?P<t>.*)\) nor a recorded replacement$",
          "{o} 不在指派的检查组（{t}）中，也不是已记录的替补人员。"),
    _rule(r"^(?P<n>\d+) present; the rulebook's team is at least (?P<m>\d+) .*$",
          "到场 {n} 人；规则手册要求每组至少 {m} 名执法人员（双随机：至少两人）。"),
    _rule(r"^(?P<d>[^\s;,()]+) is outside the period (?P<a>[^\s;,()]+)\.\.(?P<b>[^\s;,()]+)$",
          "{d} 不在本季度（{a} 至 {b}）内。"),
    _rule(r"^'(?P<v>.*)' is not on the rulebook's inspection-item list \((?P<l>.*)\)$",
          "“{v}”不在规则手册的随机抽查事项清单上：请照清单原文填写事项名称（清单：{l}）。"),
    _rule(r"^'(?P<v>.*)' is not on the rulebook's inspection-item list$",
          "“{v}”不在规则手册的随机抽查事项清单上：请照清单原文填写事项名称（清单见 "
          "`spotcheck rulebook show --agency 区划代码` 的 inspection_items）。"),
    _rule(r"^'(?P<v>.*)' appears twice$", "“{v}”出现了两次：每个事项只填一次。"),
    _rule(r"^every item of the inspection-item list is covered; missing (?P<m>.+)$",
          "须逐项填写随机抽查事项清单上的全部事项；缺少：{m}。"),
    _rule(r"^a problem found needs an order to correct \(责令改正\) or a case \(立案\)$",
          "发现问题须责令改正（填写 orders）或立案查处（填写 case）。"),
    _rule(r"^true or false$", "请填 true（是）或 false（否）。"),
    _rule(r"^true, false or null \(not monitored\)$", "请填 true（达标）、false（超标）或 null（未监测）。"),
    _rule(r"^needs exactly (?P<l>.+)$",
          lambda m, f: f"须恰好包含这些字段：{_fields(m['l'])}。"),
    _rule(r"^a problem is described$", "结论为“发现问题”的事项须写明问题描述。"),
    _rule(r"^(?P<d>[^\s;,()]+) is not after the visit \((?P<v>[^\s;,()]+)\)$",
          "改正期限 {d} 须晚于检查日期 {v}。"),
    _rule(r"^where the inspection took place$", "须填写检查地点。"),
    _rule(r"^the certificate numbers of the officers present$", "须填写到场执法人员的执法证号（列表）。"),
    _rule(r"^not a field of an (?P<w>inspection record|inspection object)$",
          lambda m, f: "不是检查记录的字段：请删除或改正该字段名。" if m["w"] == "inspection record"
          else "不是检查对象的字段：请删除或改正该字段名。"),
    _rule(r"^(?P<u>[^\s;,()]+) has no record in (?P<i>[^\s;,()]+)(?P<rest>.*)$",
          "{u} 在抽查 {i} 中还没有检查记录：请先 `spotcheck record file`。"),
    _rule(r"^already filed; a change is a correction with a (?P<rest>.*)$",
          "检查记录已填报：修改须以更正方式办理（`spotcheck record correct`，写明理由）。"),
    _rule(r"^already published$", "结果已经公开。"),
    _rule(r"^(?P<o>[^\s;,()]+) was not one of the officers present; only an officer of the assigned "
          r"team files the record$",
          "{o} 不在到场执法人员之中：检查记录只能由到场的检查组成员填报（--by 填其执法证号）。"),
    _rule(r"^(?P<n>\d+) is not an open order of this record \(open: \[(?P<l>.*)\]\)$",
          lambda m, f: f"第 {m['n']} 项不是本记录中未完成的责令改正（未完成的是："
          f"{m['l'] or '无'}；按 `record show` 列出的序号填写，从 1 起）。"),
    _rule(r"^the text written for the public is published once reviewed \(发布前审核\): name the "
          r"reviewer and the date of review$",
          "公开说明须经审核后才能公开（发布前审核）：请用 --reviewer 写明审核人、"
          "--reviewed-on 写明审核日期。"),
    _rule(r"^a result is published after its record is filed$", "检查记录填报后才能公开结果。"),
    _rule(r"^(?P<l>[^\s;,()]+) is before first_day (?P<f>[^\s;,()]+)$",
          "结束日期 {l} 早于开始日期 {f}：请核对 --from 和 --to。"),
    _rule(r"^cannot (?P<a>\w+) (?P<n>.+), it is (?P<s>\w+)$",
          lambda m, f: f"{m['n']} 当前为“{_status(m['s'])}”，不能办理此项变更。"),
    _rule(r"^not a field that can be updated \(use one of (?P<l>.+)\)$",
          lambda m, f: "不是可以修改的字段：可修改的有 " + "、".join(
              f"{FIELDS[x.strip()][1]}（{x.strip()}）" if x.strip() in FIELDS else x.strip()
              for x in m["l"].split(",")) + "；类别、状态请用 reclassify、special、suspend 等命令。"),
    _rule(r"^(?P<n>.+) is not under special supervision$", "{n} 不是特殊监管对象，无需解除。"),
    _rule(r"^no conflict with (?P<u>\S+) is declared$", "没有申报与 {u} 的利害关系。"),
    # more of a quarter: the draw
    _rule(r"^at least one entropy source is announced$",
          "须公布至少一个熵源：请用 --witness、--dice 或 --external 给出。"),
    _rule(r"^at least one witness outside the operator's control$",
          "须至少有一位经办人无法控制的见证人（--witness）。"),
    _rule(r"^the last source revealed must be one nobody can withhold selectively .*$",
          "最后揭示的熵源须是任何人都无法选择性隐瞒的：现场见证的掷骰（--dice）或事先公布的公开值"
          "（--external）。"),
    _rule(r"^only a fixed list is disclosed$", "只有已确定的名单才能公开：请先 `spotcheck draw fix`。"),
    _rule(r"^the freeze needs all four input files$", "冻结需要全部四个输入文件。"),
    _rule(r"^draw stopped: (?P<l>.+) \((?P<n>\d+) eligible officer\(s\) for a team of (?P<t>\d+)\); "
          r"recorded and published$",
          "抽取已停止：{l}（符合条件的执法人员只有 {n} 名，每组需要 {t} 名）；已记录并公开。请补充执法人员"
          "或调整回避后，本季度重新冻结一次抽查。"),
    _rule(r"^(?P<u>[^\s;,()]+) is (?P<s>\w+); the rules allow replacing only a unit that cannot be "
          r"inspected .*$",
          lambda m, f: f"{m['u']} 当前为“{_status(m['s'])}”：规则只允许替换无法检查的单位"
          "（已关闭或已搬迁：请先在名录中剔除，`spotcheck entities close` 或 `relocate`）。"),
    _rule(r"^(?P<p>.+): the key of draw (?P<i>[^\s;,()]+) cannot be read: (?P<e>.+)$",
          "{p}：无法读取抽查 {i} 的密钥（{e}）：请检查文件权限。"),
    _rule(r"^(?P<u>[^\s;,()]+) is not in the directory of the draw's agency$",
          "{u} 不在本次抽查所属机构的名录中：请核对统一社会信用代码。"),
    # more of a quarter: records, recusal, rectification, publication
    _rule(r"^a recusal is asked at the visit, before the record$",
          "回避须在检查现场、填报检查记录之前提出。"),
    _rule(r"^a recusal request records who, why and who decided$",
          "回避申请须写明申请人（--requested-by）、理由（--reason）和决定人（--decided-by）。"),
    _rule(r"^a granted recusal names the officer drawn in$", "准予回避须写明抽取的替补执法人员。"),
    _rule(r"^there is no record to correct yet$", "还没有检查记录可以更正：请先 `spotcheck record file`。"),
    _rule(r"^the result is published; a correction after publication is .*$",
          "结果已经公开：公开后不能再更正检查记录。"),
    _rule(r"^a correction states its reason$", "更正须写明理由（--reason）。"),
    _rule(r"^who verified the rectification$", "须写明整改的核查人（--verified-by）。"),
    _rule(r"^who publishes the result \(经办\)$", "须写明公开的经办人（--by）。"),
    _rule(r"^text \(for the file; never published\)$", "须为文字（存档用，从不公开）。"),
    _rule(r"^text \(written for the result notice; published once reviewed\)$",
          "须为文字（写给结果公告，审核后公开）。"),
    _rule(r"^a list of \{(?P<l>[^}]+)\}$", lambda m, f: f"须为列表，每项包含 {_fields(m['l'])}。"),
    _rule(r"^facilities_built, facilities_running, outfall_standardised, emissions_within_limits$",
          "须包含 facilities_built（污染防治设施建设）、facilities_running（运行）、"
          "outfall_standardised（排污口规范化）、emissions_within_limits（达标排放）四项。"),
    _rule(r"^filed is true or false, penalty is text$", "filed 填 true 或 false，penalty 填文字。"),
    _rule(r"^a penalty follows a case filed \(立案\)$", "只有立案（filed 为 true）才有处罚。"),
    _rule(r"^what must be corrected$", "须写明改正内容。"),
    _rule(r"^64 lowercase hex digits$", "须为 64 位小写十六进制数字（SHA-256）。"),
    # more of the directories
    _rule(r"^(?P<n>\d+) characters, longer than the (?P<m>\d+) a (?P<f>\w+) may have$",
          "共 {n} 个字符，超过了允许的 {m} 个。"),
    _rule(r"^'(?P<v>[^']*)' is not a phone number .*$",
          "“{v}”不是电话号码：须含 7—20 位数字，例如 0994-2345678 或 13800138000。"),
    _rule(r"^'(?P<v>[^']*)' is not a risk grade .*$",
          "“{v}”不是风险等级：最多 8 个字母、数字或汉字，例如 A、B、C、D。"),
    _rule(r"^(?P<o>[^\s;,()]+) is not the organisation code embedded in credit_code (?P<c>[^\s;,()]+) "
          r"\((?P<e>[^\s;,()]+)\)$",
          "{o} 与统一社会信用代码 {c} 中的组织机构代码（{e}）不一致。"),
    _rule(r"^(?P<v>.+) — each must be one of (?P<c>[^()]+) \(重点/一般/特殊监管\), and at least one is "
          r"needed$",
          "{v}：每项须为 重点、一般、特殊监管 之一，且至少填一项。"),
    _rule(r"^a conflict with (?P<u>.+) is already declared \((?P<r>.*)\)$",
          "与 {u} 的利害关系已经申报过（{r}）。"),
    _rule(r"^(?P<c>[^\s;,()]+) already has an agency \((?P<n>.+)\)$",
          "区划代码 {c} 已有机构（{n}）：用 `spotcheck agency list` 查看。"),
    _rule(r"^(?P<n>.+) has no rulebook in force on (?P<d>[^\s;,()]+) \(adopt one first.*\)$",
          "{n} 在 {d} 没有生效的规则手册：请先 `spotcheck rulebook adopt`。"),
    _rule(r"^another writer changed this (?P<w>.+) at the same time; nothing of this command was stored: "
          r"run it again$",
          "另一位用户同时修改了同一条记录；本次操作没有保存任何内容：请重新运行一次。"),
    _rule(r"^(?P<c>[^\s;,()]+) is already in this agency's directory$",
          "{c} 已在本机构的名录中：修改请用 `spotcheck entities update`。"),
    _rule(r"^(?P<c>[^\s;,()]+) is already registered \(执法证号 must be unique\)$",
          "执法证号 {c} 已经登记过（执法证号不能重复）。"),
    _rule(r"^row 1: missing column\(s\) (?P<l>.+)$", "第 1 行（表头）缺少必填的列：{l}。"),
    _rule(r"^row 1, column (?P<c>.+?): (?P<f>\w+) appears twice$", "第 1 行的列“{c}”与另一列重复。"),
    _rule(r"^write \.xlsx or \.csv$", "请写成 .xlsx 或 .csv 文件。"),
    _rule(r"^the rulebook in force \((?P<b>[^)]+)\) gives no number for the (?P<n>\d+) (?P<c>\w+) unit\(s\)"
          r", and a quota of 0 is never assumed: adopt it again stating one \((?P<cmd>`.*`)\)$",
          lambda m, f: f"现行规则手册（{m['b']}）没有规定{WORDS['category'].get(m['c'], m['c'])}（共 "
          f"{m['n']} 个）的抽查比例，系统不会默认为 0：请重新采用并写明比例（{m['cmd']}）。"),
    _rule(r"^a count of units must be an integer ≥ 0, got (?P<v>.+)$",
          "单位数须为不小于 0 的整数（实际为 {v}）。"),
    _rule(r"^the number of officers must be an integer ≥ 0, got (?P<v>.+)$",
          "执法人员数须为不小于 0 的整数（实际为 {v}）。"),
    # agencies
    _rule(r"^(?P<c>\d{6}) is not in GB/T 2260 \(python-stdnum cn/loc\); an agency is established for a "
          r"division that exists.*$",
          "{c} 不在行政区划代码表（GB/T 2260）中：机构须对应一个现有的行政区划"
          "（开发区、园区请用 --kind park）。"),
    _rule(r"^(?P<c>\d{6}) (?P<n>\S+) was retired in (?P<y>\d+); an agency is established for a division "
          r"in use$",
          "{c} {n} 已于 {y} 年撤销：机构须对应一个现行的行政区划，请使用现行代码。"),
    _rule(r"^a province-level agency has no parent$", "省级机构没有上级机构：请去掉 --parent。"),
    _rule(r"^a (?P<l>\w+)-level agency sits under a (?P<e>\w+)-level one, not under (?P<n>.+) "
          r"\((?P<p>\w+)\)$",
          lambda m, f: f"{_kind(m['l'])}级机构的上级须是{_kind(m['e'])}级机构，而 {m['n']} 是"
          f"{_kind(m['p'])}级：请核对 --parent。"),
    _rule(r"^(?P<c>\d{6}) is not in the province of its parent (?P<n>.+) \((?P<p>\d{6})\)$",
          "{c} 与上级机构 {n}（{p}）不在同一个省：请核对 --code 和 --parent。"),
    _rule(r"^a rulebook is adopted from a date \(YYYY-MM-DD\)$",
          "须写明规则手册的生效日期（--from YYYY-MM-DD）。"),
    # credit codes, the rest
    _rule(r"^division \(登记管理机关行政区划码, positions 3-8\) (?P<d>\S+) is not in GB/T 2260 .*$",
          "第 3—8 位的登记管理机关行政区划码 {d} 不在 GB/T 2260 中：请核对营业执照上的代码。"),
    _rule(r"^division \(登记管理机关行政区划码, positions 3-8\) '(?P<d>[^']*)' must be six digits .*$",
          "第 3—8 位的登记管理机关行政区划码“{d}”须为 6 位数字。"),
    _rule(r"^registration authority \(登记管理部门码, position 1\) '(?P<a>.)' is not one of "
          r"(?P<l>[^()]+) .*$",
          "第 1 位的登记管理部门码“{a}”不是 {l} 之一（GB 32100-2015 表1）。"),
    _rule(r"^organisation type \(机构类别码, position 2\) '(?P<t>.)' is not allowed for authority "
          r"(?P<a>\S+) (?P<n>.+?); allowed: (?P<l>[^()]+) .*$",
          "第 2 位的机构类别码“{t}”不适用于登记管理部门 {a}（{n}）：可用 {l}（GB 32100-2015 表1）。"),
    _rule(r"^organisation body '(?P<b>[^']*)' must be 8 characters from the GB 32100 alphabet .*$",
          "主体标识码“{b}”须为 8 位（数字及除 I、O、Z、S、V 以外的大写字母）。"),
    _rule(r"^division (?P<d>\d{6}) (?P<n>\S+) was retired in (?P<y>\d+); accepted, .*$",
          "登记地区划 {d} {n} 已于 {y} 年撤销；仍予接受，因为代码保留其登记时的区划。"),
    # the service's request schema (pydantic's words)
    _rule(r"^Field required$", "此项必填。"),
    _rule(r"^Input should be a valid (?P<t>string|integer|number|boolean|date|list|dictionary|array)"
          r"(?:,.*)?$",
          lambda m, f: "须为" + {"string": "文字", "integer": "整数", "number": "数字",
                                "boolean": "true 或 false", "date": "日期 YYYY-MM-DD", "list": "列表",
                                "array": "列表", "dictionary": "JSON 对象"}[m["t"]] + "。"),
    _rule(r"^String should have at most (?P<n>\d+) characters?$", "最多 {n} 个字符。"),
    _rule(r"^String should have at least (?P<n>\d+) characters?$", "至少 {n} 个字符。"),
    _rule(r"^Input should be (?P<l>'[^']*'(?:, '[^']*')*(?: or '[^']*')?)$",
          lambda m, f: "须为以下之一：" + "、".join(re.findall(r"'([^']*)'", m["l"])) + "。"),
    _rule(r"^Extra inputs are not permitted$", "不认识这个字段：请删除它或改正字段名。"),
    _rule(r"^Input should be (?P<w>greater|less) than(?P<e> or equal to)? (?P<n>\S+)$",
          lambda m, f: "须" + ("不小于" if m["w"] == "greater" and m["e"] else "大于"
                              if m["w"] == "greater" else "不大于" if m["e"] else "小于") + f" {m['n']}。"),
    _rule(r"^Input should be a valid (?:dictionary|object)(?: or object to extract fields from)?$",
          "须为 JSON 对象。"),
    _rule(r"^Input should be a valid UUID(?:,.*)?$",
          "须为 UUID（例如 123e4567-e89b-12d3-a456-426614174000）。"),
    _rule(r"^Input should be a valid (?:date|datetime)(?: or datetime)?(?:,.*)?$",
          "须为日期 YYYY-MM-DD。"),
    _rule(r"^String should match pattern '(?P<p>.*)'$", "格式不对（须符合 {p}）。"),
    _rule(r"^(?:List|Tuple|Dictionary|Value) should have at (?P<w>least|most) (?P<n>\d+) items?"
          r"(?: after validation)?(?:, not (?P<k>\d+))?$",
          lambda m, f: ("至少" if m["w"] == "least" else "最多") + f" {m['n']} 项"
          + (f"（实际 {m['k']} 项）" if m["k"] else "") + "。"),
    _rule(r"^JSON decode error$", "请求体不是有效的 JSON：请检查括号、引号和逗号。"),
    _rule(r"^Value error, (?P<r>.+)$", lambda m, f: rule_zh(m["r"], f)),  # None: framed
    _rule(r"^Input should be a finite number$", "须为有限的数字。"),
    _rule(r"^Input should be a valid (?P<t>string|integer|number|boolean|list|array)(?:,.*)?$",
          lambda m, f: "须为" + {"string": "文字", "integer": "整数", "number": "数字",
                                "boolean": "true 或 false", "list": "列表", "array": "列表"}[m["t"]] + "。"),
    # the command line's own checks
    _rule(r"^at least 1$", "至少为 1。"),
    _rule(r"^(?P<v>-?\d+) is not a port number$", "{v} 不是端口号（1—65535）。"),
    _rule(r"^give --granted or --refused$", "请给出 --granted（准予回避）或 --refused（不予回避）。"),
    _rule(r"^an entropy value may not contain \| or a line break .*$",
          "熵源的值不能含有 | 或换行符（SPOTCHECK-DRAW 第 3 节）。"),
    _rule(r"^a withheld field needs its review: --reviewer NAME --reviewed-on DATE$",
          "不公开的字段须经保密审查：请用 --reviewer 写明审查人、--reviewed-on 写明审查日期。"),
    _rule(r"^a review has a date: --reviewed-on YYYY-MM-DD$", "审查须写明日期：--reviewed-on YYYY-MM-DD。"),
    # the staff pages' forms (api/http/pages)
    _rule(r"^a review has a date YYYY-MM-DD$", "须写明审查日期（YYYY-MM-DD）。"),
    _rule(r"^replace a unit or recuse an officer$", "请选择变更类型：替换单位或执法人员回避。"),
    _rule(r"^the unit's unified social credit code$", "须填写单位的统一社会信用代码。"),
    _rule(r"^the certificate of the officer who recuses$", "须填写回避的执法人员的执法证号。"),
    _rule(r"^the certificate of the officer asked to recuse$", "须填写申请回避的执法人员的执法证号。"),
    _rule(r"^granted or refused$", "须选择准予回避或不予回避。"),
    _rule(r"^'(?P<v>.*)' is not an order's number \(from 1\)$",
          "“{v}”不是责令改正事项的序号：请填写 `record show` 列出的序号（从 1 起）。"),
    _rule(r"^'(?P<v>[^']*)' is not FIELD:GROUND:CONCLUSION$",
          "“{v}”不是 字段:依据:结论 的形式（例如 penalty:commercial_secret:涉及商业秘密）。"),
    _rule(r"^(?P<p>.+): (?P<e>Permission denied|No such file or directory|Is a directory)$",
          lambda m, f: f"{m['p']}：" + {"Permission denied": "没有权限", "No such file or directory":
                                        "目录不存在", "Is a directory": "这是一个目录"}[m["e"]]
          + "，请换一个路径。"),
    # a value that must be given (the field's name says which)
    _rule(r"^(?!needs exactly)(?:.* )?needs (?:a|an|its|at least one) [^;]+$",
          "此项必填，不能为空。"),
    _rule(r"^(?P<p>.+): (?P<n>\d+) visit\(s\) not recorded yet: (?P<l>.+)$",
          lambda m, f: f"{m['p']}；尚有 {m['n']} 处检查未填报记录：{_more(m['l'])}。"),
    # credit codes, organisation codes, fixed-source codes (the national format too)
    _rule(r"^embedded organisation code (?P<o>[^\s;,()]+) \(positions 9-17\) has a wrong check character "
          r"\(GB 11714-1997\): expected '(?P<e>.)', found '(?P<f>.)'; with both check characters right "
          r"the code would be (?P<w>\w+)$",
          "第 9—17 位的组织机构代码 {o} 校验码不对（GB 11714-1997）：应为“{e}”，填写的是“{f}”；"
          "两个校验码都改对后，正确的代码应是 {w}：请核对营业执照上的代码。"),
    _rule(r"^(?P<r>.+); the code would be (?P<w>[^\s;]+)$",
          lambda m, f: _within(m["r"], f).rstrip("。")
          + f"；正确的代码应是 {m['w']}：请核对排污许可证或营业执照上的代码。"),
    _rule(r"^'(?P<c>[^']*)' is not <credit code 18><sequence 3 digits><letter> \(HJ 608-2017.*\)$",
          "“{c}”不符合全国固定污染源编码格式：18 位统一社会信用代码 + 3 位顺序码 + 1 位字母"
          "（HJ 608-2017，例如 91370112MABPPB8W9G001P）。"),
    _rule(r"^sequence 000 in (?P<c>[^\s;]+); a unit's sites are numbered from 001 \(HJ 608-2017\)$",
          "{c} 的顺序码为 000：一个单位的各生产场所从 001 起编号（HJ 608-2017）。"),
    _rule(r"^'(?P<c>[^']*)' is neither Shandong's .* nor the national .*$",
          "“{c}”既不是山东省格式（2 位环保代码 + 6 位行政区划代码 - 组织机构代码[(1)]，例如 "
          "11370181-12345678-9），也不是全国格式（18 位统一社会信用代码 + 3 位顺序码 + 1 位字母，"
          "例如 91370112MABPPB8W9G001P）：请核对排污许可证上的编码。"),
    _rule(r"^env code \(环保代码\) '(?P<e>[^']*)' is not one of (?P<l>.+?) \(seed 002 annex 2\)$",
          lambda m, f: f"环保代码“{m['e']}”不是 {'、'.join(m['l'].split(', '))} 之一"
          "（种子文件 002 附件 2）。"),
    _rule(r"^no env code for control_level '(?P<l>[^']*)' with category '(?P<c>[^']*)'; .*$",
          lambda m, f: f"控制级别“{WORDS['control_level'].get(m['l'], m['l'])}”与类别"
          f"“{WORDS['category'].get(m['c'], m['c'])}”没有对应的环保代码：重点排污单位可为国控、省控、"
          "市控、县控，一般排污单位只能是市控、县控（种子文件 002 附件 2）。"),
    _rule(r"^division '(?P<d>[^']*)' must be a six-digit GB/T 2260 code$",
          "行政区划代码“{d}”须为 6 位数字（GB/T 2260）。"),
    _rule(r"^local number '(?P<n>[^']*)' must be 1-20 digits, upper-case letters or inner hyphens .*$",
          "自行编号“{n}”须为 1—20 位数字、大写字母或中间的连字符"
          "（无组织机构代码的排污单位其编码可自行编号）。"),
    _rule(r"^organisation code '(?P<o>[^']*)' must be 8 characters, an optional hyphen and a check "
          r"character \(GB 11714-1997\)$",
          "组织机构代码“{o}”须为 8 位本体、可选的连字符和 1 位校验码（GB 11714-1997，例如 12345678-9）。"),
    _rule(r"^body '(?P<b>[^']*)' must be 8 characters \(GB 11714-1997\), got (?P<n>\d+)$",
          "组织机构代码本体“{b}”须为 8 位（GB 11714-1997），实际 {n} 位。"),
    _rule(r"^'(?P<o>[^']*)' must be 9 characters, 8 body \+ 1 check \(GB 11714-1997\), got (?P<n>\d+)$",
          "“{o}”须为 9 位：8 位本体 + 1 位校验码（GB 11714-1997），实际 {n} 位。"),
    _rule(r"^check character '(?P<c>[^']*)' of '(?P<o>[^']*)' must be a digit or X \(GB 11714-1997\)$",
          "“{o}”的校验码“{c}”须为数字或 X（GB 11714-1997）。"),
    _rule(r"^check character of '(?P<o>[^']*)' is wrong \(GB 11714-1997.*\): expected '(?P<e>[^']*)', "
          r"found '(?P<f>[^']*)'$",
          "“{o}”的校验码不对（GB 11714-1997）：应为“{e}”，填写的是“{f}”；请核对组织机构代码证。"),
    _rule(r"^body '(?P<b>[^']*)' may hold only digits and upper-case letters \(GB 11714-1997\), "
          r"found '(?P<f>[^']*)'$",
          "组织机构代码本体“{b}”只能含数字和大写字母（GB 11714-1997），其中有“{f}”。"),
    _rule(r"^'(?P<o>[^']*)' may carry one hyphen only, before the check character .*$",
          "“{o}”最多只能有一个连字符，且须在校验码之前（GB 11714-1997，例如 12345678-9）。"),
    _rule(r"^province code (?P<p>\S+) is not in GB/T 2260.*$", "省级代码 {p} 不在 GB/T 2260 中。"),
    _rule(r"^code is not in GB/T 2260.*$", "该代码不在行政区划代码表（GB/T 2260）中。"),
    _rule(r"^a GB/T 2260 division code is exactly six digits$", "行政区划代码（GB/T 2260）须为 6 位数字。"),
    # imports: what differs between the ledger and the file
    _rule(r"^(?P<p>.+): a template is an \.xlsx file \(drop-down lists need it\)$",
          "{p}：模板须为 .xlsx 文件（下拉列表只有 .xlsx 才能保存）。"),
    _rule(r"^(?P<p>.+): cannot be read: (?P<e>.+)$", "{p}：无法读取（{e}）：请检查文件权限。"),
    # record forms
    _rule(r"^(?P<p>.+): not a record form of Spotcheck \(no line (?P<l>.+); write one with "
          r"`spotcheck record template`\)$",
          "{p} 不是 Spotcheck 的检查记录表（缺少“{l}”行）：请用 `spotcheck record template` 生成记录表。"),
    _rule(r"^(?P<p>.+): row (?P<n>\d+), 检查结果 of '(?P<i>[^']*)': '(?P<v>[^']*)' is not one of (?P<l>.+)$",
          lambda m, f: f"{m['p']}：第 {m['n']} 行“{m['i']}”的检查结果“{m['v']}”不是允许的值；可填："
          f"{_listed(m['l'], 'finding')}。"),
    _rule(r"^(?P<p>.+): write \.xlsx or \.json$", "{p}：请写成 .xlsx 或 .json 文件。"),
    _rule(r"^write \.xlsx or \.json$", "请写成 .xlsx 或 .json 文件。"),
    _rule(r"^(?P<p>.+): row (?P<n>\d+) says the form is for '(?P<v>[^']*)', not (?P<e>\S+) "
          r"\(each visit has its own form\)$",
          "{p}：第 {n} 行写明本表用于“{v}”，而不是 {e}（每处检查有自己的记录表）：请核对抽查编号和单位，"
          "或用 `spotcheck record template` 为这处检查生成记录表。"),
    _rule(r"^(?P<p>.+) holds a JSON object \((?P<w>[^)]*)\), not (?P<t>\w+)$",
          lambda m, f: f"{m['p']} 的内容须是一个 JSON 对象（{_json_what(m['w'])}），而不是 {m['t']}。"),
    # the directory, the plan, the rulebook
    _rule(r"^'(?P<v>[^']*)' is not a year a plan can be for \((?P<a>\d+)-(?P<b>\d+)\)$",
          "“{v}”不是可以制定计划的年份（{a}—{b}）。"),
    _rule(r"^(?P<n>\d+) characters, longer than the (?P<m>\d+) an agency's name may have$",
          "共 {n} 个字符，超过了机构名称允许的 {m} 个。"),
    _rule(r"^no number for these units; adopt it with one stated \(a quota of 0 is never assumed\)$",
          "规则手册没有规定这类单位的抽查比例：采用时请写明比例（系统不会默认为 0）。"),
    _rule(r"^no quota for quarter '(?P<q>[^']*)' and category '(?P<c>[^']*)'$",
          lambda m, f: f"计划中没有第 {m['q']} 季度“{WORDS['category'].get(m['c'], m['c'])}”的抽查任务数。"),
    _rule(r"^the rulebook already gives its number; adopt it as it is, or adopt a rulebook file with "
          r"another$",
          "规则手册已经规定了这个比例：请按原样采用，或采用另写比例的规则手册文件。"),
    _rule(r"^'(?P<v>[^']*)' is not a preset; known: (?P<l>.+)$",
          "“{v}”不是预设规则手册；已有的预设：{l}（用 `spotcheck rulebook list` 查看）。"),
    _rule(r"^'(?P<v>[^']*)' is not an ISO date \(YYYY-MM-DD\)$",
          "“{v}”不是日期：请写成 YYYY-MM-DD，例如 2026-03-02。"),
    _rule(r"^(?P<v>\S+) is not a year between 2000 and 2100$", "{v} 不是 2000—2100 之间的年份。"),
    _rule(r"^at least 2 officers per inspection, got (?P<n>\S+)$",
          "每次检查至少 2 名执法人员（双随机），实际为 {n}。"),
    _rule(r"^'(?P<v>[^']*)' is listed twice$", "“{v}”列了两次：请删除其中一项。"),
    _rule(r"^'(?P<v>[^']*)' appears twice$", "“{v}”出现了两次：每个检查事项只填一次。"),
    _rule(r"^'(?P<v>[^']*)' is not on the rulebook's inspection-item list \((?P<l>.+)\)$",
          "“{v}”不在规则手册的检查事项清单中（{l}）：请按清单原样填写事项名称（用 "
          "`spotcheck record template` 生成的记录表已列出全部事项）。"),
    # keys, logs, witnesses, receipts
    _rule(r"^(?P<p>.+): readable or writable by others \(mode (?P<m>\w+)\); a secret key must be mode "
          r"600: chmod 600 (?P<q>.+), then check who may have copied it$",
          "{p}：其他用户可以读写（权限 {m}）；私钥文件的权限须为 600：请运行 chmod 600 {q}，"
          "并查明是否有人复制过它。"),
    _rule(r"^(?P<p>.+): writable by others \(mode (?P<m>\w+)\); whoever can replace the last signed "
          r"checkpoint can hide a rollback: chmod 644 (?P<q>.+)$",
          "{p}：其他用户可以写入（权限 {m}）；能替换最近签名检查点的人就能掩盖回滚：请运行 chmod 644 {q}。"),
    _rule(r"^(?P<p>.+): not a regular file; a key file is read only from a plain file$",
          "{p} 不是普通文件：密钥只从普通文件读取。"),
    _rule(r"^(?P<p>.+) already exists: a log keeps its key for life .*$",
          "{p} 已存在：一个日志终身使用同一把密钥（只有确实要启用新的日志身份时才加 --force）。"),
    _rule(r"^no log key at (?P<p>.+): run `(?P<c>spotcheck keys init[^`]*)` first .*$",
          "{p} 处没有日志密钥：请先运行 `{c}`（或把 SPOTCHECK_KEYS 指向存放密钥的目录）。"),
    _rule(r"^origin '(?P<o>[^']*)' cannot name a log key: (?P<e>.+)$",
          "日志名“{o}”不能用作日志密钥的名称：{e}"),
    _rule(r"^(?P<p>.+): a verifier key cannot be read: (?P<e>.+)$",
          "{p}：无法读取验证公钥（{e}）。"),
    _rule(r"^'(?P<v>[^']*)' is neither '(?P<a>[^']*)' nor a 6-digit division code$",
          "“{v}”既不是“{a}”，也不是 6 位行政区划代码。"),
    _rule(r"^(?P<p>.+) already exists: a witness keeps its key$",
          "{p} 已存在：见证方一直使用同一把密钥。"),
    _rule(r"^not a log's verifier key: (?P<e>.+)$", "不是日志的验证公钥：{e}"),
    _rule(r"^not a witness's cosigner key: (?P<e>.+)$", "不是见证方的联署公钥：{e}"),
    _rule(r"^'(?P<u>[^']*)' is neither an http\(s\) URL nor 'local'$",
          "“{u}”既不是 http(s) 网址，也不是 local。"),
    _rule(r"^log (?P<l>\S+) has no witness '(?P<w>[^']*)'$",
          "日志 {l} 没有名为“{w}”的见证方：用 `spotcheck log witness-list` 查看。"),
    _rule(r"^this ledger has (?P<n>\d+) logs \((?P<l>.+)\); name one$",
          "本账本有 {n} 个日志（{l}）：请用 --log 指明其中一个。"),
    _rule(r"^agency (?P<a>\S+) declared its log origin as '(?P<o>[^']*)', not '(?P<g>[^']*)'$",
          "机构 {a} 登记的日志名是“{o}”，不是“{g}”。"),
    _rule(r"^no agency with division code (?P<c>\S+) is established here, so its log origin must be "
          r"given$",
          "这里没有区划代码为 {c} 的机构，须用 --origin 给出日志名。"),
    _rule(r"^the key names origin '(?P<o>[^']*)' but agency (?P<a>\S+) declared '(?P<g>[^']*)'; it will "
          r"not sign this log$",
          "该密钥的日志名是“{o}”，而机构 {a} 登记的是“{g}”：不会用它签署这个日志。"),
    _rule(r"^log (?P<l>\S+) was rotated to key (?P<k>\S+) \(recorded in the ledger\), but this file holds "
          r"(?P<h>\S+); it will not sign this log$",
          "日志 {l} 已轮换为密钥 {k}（账本中有记录），而这个文件存的是 {h}：不会用它签署这个日志。"),
    _rule(r"^(?P<l>\S+) is not an agency of this ledger; a rotation is recorded in an agency's log$",
          "{l} 不是本账本中的机构：密钥轮换记录在机构的日志中。"),
    _rule(r"^the previous key's verifier key is needed$", "需要上一把密钥的验证公钥。"),
    _rule(r"^(?P<s>\d+) is outside log (?P<l>\S+) \(1\.\.(?P<n>\d+)\)$",
          "{s} 超出日志 {l} 的范围（1 至 {n}）。"),
    _rule(r"^(?P<i>\d+) is not below the tree size (?P<n>\d+)$", "序号 {i} 须小于树的大小 {n}。"),
    _rule(r"^(?P<s>\d+) must be between 1 and size2 \((?P<n>\d+)\)$", "{s} 须在 1 和 {n} 之间。"),
    _rule(r"^(?P<p>\S+) exists and is not an empty directory$",
          "{p} 已存在且不是空目录：请换一个目录，或先清空它。"),
    _rule(r"^(?P<p>.+); nothing was stored$",
          lambda m, f: _within(m["p"], f).rstrip("。") + "；未保存任何内容。"),
    _rule(r"^cannot (?P<v>open|reach) (?P<d>.+?): (?P<e>.+)$",
          lambda m, f: f"无法{'打开' if m['v'] == 'open' else '连接'} {m['d']}（{m['e']}）："
          "请检查 SPOTCHECK_DB 和数据库是否可用。"),
    _rule(r"^the PostgreSQL URL '(?P<u>[^']*)' names no database .*$",
          "PostgreSQL 地址“{u}”没有写数据库名（应为 postgresql://用户@主机:端口/数据库名）。"),
    _rule(r"^bad port in '(?P<u>[^']*)': (?P<e>.+)$", "“{u}”中的端口有误（{e}）。"),
    _rule(r"^the database holds a single-log layout written by an earlier Spotcheck .*$",
          "数据库是早期版本 Spotcheck 写的单日志格式：请用那个版本导出，再新建数据库。"),
    _rule(r"^no draw (?P<i>\S+) \(a witness is named for a frozen draw.*\)$",
          "没有编号为 {i} 的抽查：见证人账户须对应一次已冻结的抽查（其熵源计划公布了见证人）。"),
    _rule(r"^source (?P<k>\d+) of (?P<i>\S+) is not a witness \(the witnesses are source\(s\) (?P<l>.+)\)$",
          "{i} 的第 {k} 个熵源不是见证人（见证人是第 {l} 个熵源）。"),
    _rule(r"^no inspector with certificate number (?P<c>\S+) in any directory$",
          "任何名录中都没有执法证号为 {c} 的执法人员。"),
    _rule(r"^recomputing the draw does not give the list fixed by hash; the ledger was altered$",
          "重新计算抽取得不到按摘要确定的名单：账本已被改动。"),
    _rule(r"^the fixed list hash does not match$", "已确定名单的摘要不符。"),
    _rule(r"^the sealed assignment\.csv is not the one fixed by hash; the ledger was altered$",
          "密封的 assignment.csv 与按摘要确定的不一致：账本已被改动。"),
    _rule(r"^(?P<i>\S+) was frozen before conflicts had salts; only its whole conflicts\.csv can show a "
          r"conflict$",
          "{i} 冻结时利害关系尚未加盐：只能出示完整的 conflicts.csv 来证明利害关系。"),
    _rule(r"^(?P<c>\S+) with (?P<u>\S+) is not a conflict frozen for (?P<i>\S+)$",
          "{c} 与 {u} 的利害关系不在 {i} 冻结的利害关系中。"),
    _rule(r"^(?P<b>\S+) is not on the team of (?P<u>\S+) \((?P<t>.*)\); the form is given to the team$",
          "{b} 不是 {u} 检查组的成员（{t}）：记录表发给检查组成员。"),
    _rule(r"^(?P<u>\S+) is not stored in the directory view$",
          "{u} 不在名录视图中：若刚登记，请先运行 `spotcheck project run`。"),
    # the service's uploads
    _rule(r"^(?P<n>\d+) bytes; at most (?P<m>\d+)$", "文件有 {n} 字节，最多允许 {m} 字节。"),
    _rule(r"^'(?P<v>[^']*)' is not a \.csv or \.xlsx file$",
          "“{v}”不是 .csv 或 .xlsx 文件：请另存为其中一种格式。"),
    _rule(r"^'(?P<v>[^']*)' is not (?P<l>\w+(?:, \w+)*) or (?P<z>\w+)$",
          lambda m, f: f"“{m['v']}”不是允许的值；可填：{'、'.join(m['l'].split(', '))}、{m['z']}。"),
    _rule(r"^'(?P<v>[^']*)' is not an \.xlsx form or a \.json record$",
          "“{v}”既不是 .xlsx 记录表，也不是 .json 检查记录。"),
    _rule(r"^'(?P<v>[^']*)' holds (?P<n>\d+) bundles \(events\.jsonl\); upload one$",
          "“{v}”含有 {n} 份公开数据包（events.jsonl）：请只上传一份。"),
    _rule(r"^'(?P<v>[^']*)' is not a zip archive of a bundle directory .*$",
          "“{v}”不是公开数据包目录的 zip 压缩包：请压缩 `spotcheck export` 写出的目录。"),
    _rule(r"^(?P<n>\d+) entries; at most (?P<m>\d+)$", "压缩包有 {n} 个条目，最多允许 {m} 个。"),
    _rule(r"^unpacks to more than (?P<n>\d+) bytes$", "解压后超过 {n} 字节。"),
    _rule(r"^'(?P<v>[^']*)' is not a plain path inside the bundle$", "“{v}”不是数据包内的普通路径。"),
    _rule(r"^(?P<s>\d+) must be between 0 and end \((?P<e>\d+)\)$", "{s} 须在 0 和结束位置 {e} 之间。"),
    _rule(r"^(?P<e>\d+) is beyond the signed size (?P<n>\d+) of log (?P<l>\S+)$",
          "{e} 超过了日志 {l} 已签名的大小 {n}。"),
    _rule(r"^at most (?P<n>\d+) events per request \((?P<a>.+) asked\)$",
          "每次请求最多 {n} 个事件（请求了 {a}）。"),
    _rule(r"^give a preset name or a rulebook object, one of them$",
          "请给出预设名称或规则手册对象，二者取其一。"),
    _rule(r"^it is the schedule of (?P<a>\S+), not (?P<b>\S+)$", "这是 {a} 的时间表，不是 {b} 的。"),
    _rule(r"^a dice roll names who watched it$", "掷骰须写明见证人（witnessed_by）。"),
    _rule(r"^give replace_unit, or recuse with unit$", "请给出 replace_unit，或 recuse 与 unit。"),
    _rule(r"^each withheld field names its field, ground and conclusion$",
          "每个不公开的字段须写明字段、依据和结论。"),
    # accounts
    _rule(r"^'(?P<v>[^']*)' is not 2-63 characters of a-z, 0-9, '\.', '_' or '-', starting with a letter "
          r"or digit$",
          "“{v}”须为 2—63 个字符，只含 a-z、0-9、.、_、-，并以字母或数字开头。"),
    _rule(r"^an account names the person \(e\.g\. 张三\)$", "账户须写明使用人姓名（例如 张三）。"),
    _rule(r"^the witness's number in the draw's entropy plan \(1, 2, …\)$",
          "须为见证人在熵源计划中的序号（1、2……）。"),
    _rule(r"^disabling an account says why$", "停用账户须写明理由。"),
    _rule(r"^at least 1 \(or no expiry\)$", "至少为 1（或不设期限）。"),
    _rule(r"^'(?P<k>[^']*)' is not the source's number in the entropy plan$",
          "“{k}”不是熵源计划中的熵源序号。"),
    # masking and the review of withheld fields
    _rule(r"^the reviewer \((?P<w>审查人|审核人)\) must be named$", "须写明{w}。"),
    _rule(r"^the review conclusion \(审查结论\) must be stated$", "须写明审查结论。"),
    _rule(r"^reviewed_on '(?P<v>[^']*)' must be an ISO date YYYY-MM-DD$",
          "审查日期“{v}”须为 YYYY-MM-DD 格式的日期。"),
    _rule(r"^ground '(?P<v>[^']*)' is not one of (?P<l>.+)$", "不公开的依据“{v}”不是 {l} 之一。"),
    _rule(r"^the field must be a dot path of non-empty steps$", "字段须为以点分隔的路径（例如 penalty）。"),
    _rule(r"^cannot be committed by hash: (?P<e>.+)$", "无法以摘要留存：{e}"),
    _rule(r"^the record has no '(?P<v>[^']*)'$", "检查记录中没有“{v}”这一项。"),
    _rule(r"^listed twice in the review$", "在审查中列了两次。"),
    _rule(r"^overlaps withheld field '(?P<v>[^']*)'; withhold one$",
          "与不公开的字段“{v}”重叠：只保留其中一个。"),
    _rule(r"^(?P<n>\d+) characters do not have the shape of an identity number .*$",
          "{n} 个字符不符合身份证号的格式（17 位数字加一位数字或 X，或 15 位数字）。"),
    # the ceremony and the draw, what is left
    _rule(r"^a commitment names its witness$", "承诺须写明见证人。"),
    _rule(r"^the (?P<s>\w+) value comes last, after every witness has revealed \(not yet: (?P<n>.+)\)$",
          lambda m, f: f"{_entropy(m['s'])}须在全部见证人揭示之后记录（尚未揭示的熵源：{m['n']}）："
          "请先记录见证人揭示（`spotcheck draw reveal`）。"),
    _rule(r"^(?P<o>\S+) is not an open order of this record \(open, numbered from 1: (?P<l>.*)\)$",
          lambda m, f: f"第 {m['o']} 项不是本记录中未完成的责令改正（未完成的是：{m['l'] or '无'}；"
          "按 `record show` 列出的序号填写，从 1 起）。"),
    _rule(r"^there is no agency below to audit$", "下级没有可审计的机构。"),
    # a message whose field has words in it ("draw D-1: …"): the field in Chinese, the rule inside
    _rule(r"^draw (?P<i>[^\s:]+): (?P<r>.+)$",
          lambda m, f: f"抽查 {m['i']}：" + _within(m["r"], f)),
    _rule(r"^withheld field '(?P<w>[^']*)': (?P<r>.+)$",
          lambda m, f: f"不公开的字段“{m['w']}”：" + _within(m["r"], f)),
    _rule(r"^division '(?P<d>[^']*)': (?P<r>.+)$",
          lambda m, f: f"行政区划代码“{m['d']}”：" + _within(m["r"], f)),
    _rule(r"^log (?P<l>[^\s:]+): (?P<r>.+)$",
          lambda m, f: f"日志 {m['l']}：" + _within(m["r"], f)),
    _rule(r"^--out (?P<p>[^\s:]+): (?P<r>.+)$",
          lambda m, f: f"输出目录（--out）{m['p']}：" + _within(m["r"], f)),
    _rule(r"^cannot be written: (?P<e>.+)$", "无法写入（{e}）：请换一个路径或检查目录权限。"),
    _rule(r"^(?P<p>.+) exists; a proof is written to a new file$",
          "{p} 已存在：证明只写入新文件，请换一个文件名。"),
    _rule(r"^exists and is not an empty directory$", "已存在且不是空目录：请换一个目录，或先清空它。"),
    _rule(r"^readable or writable by others \(mode (?P<m>\w+)\); a secret key must be mode 600: "
          r"chmod 600 (?P<q>.+), then check who may have copied it$",
          "其他用户可以读写（权限 {m}）；私钥文件的权限须为 600：请运行 chmod 600 {q}，"
          "并查明是否有人复制过它。"),
    _rule(r"^writable by others \(mode (?P<m>\w+)\); whoever can replace the last signed checkpoint can "
          r"hide a rollback: chmod 644 (?P<q>.+)$",
          "其他用户可以写入（权限 {m}）；能替换最近签名检查点的人就能掩盖回滚：请运行 chmod 644 {q}。"),
    _rule(r"^the key of draw (?P<i>[^\s;,()]+) is not here \(.*\)$",
          "这里没有抽查 {i} 的密钥（它由机构在数据库之外保管）：请在保管密钥的电脑上操作。"),
    _rule(r"^the key of draw (?P<i>[^\s;,()]+) cannot be read: (?P<e>.+)$",
          "无法读取抽查 {i} 的密钥（{e}）：请检查文件权限。"),
    _rule(r"^(?P<v>\S+) is below the key units' (?P<k>\S+); the seeds ask to raise the ratio for special "
          r"objects$",
          "{v} 低于重点排污单位的 {k}：种子文件要求对特殊监管对象加大抽查比例，请写一个不低于 {k} 的比例。"),
    # a rulebook file an agency writes
    _rule(r"^no weight for risk grade '(?P<g>[^']*)'$", "没有风险等级“{g}”的权重。"),
    _rule(r"^'(?P<v>[^']*)' must be a lowercase slug like 'changji-county-2015'$",
          "“{v}”须为小写字母、数字和连字符组成的名称，例如 changji-county-2015。"),
    _rule(r"^a rulebook needs the place it governs$", "规则手册须写明适用的地方（place）。"),
    _rule(r"^both the seed file and the document's title are required$",
          "须同时写明依据的文件（种子文件）和文件标题。"),
    _rule(r"^a share must be 1 to 10000 basis points \(0\.01 % to 100 %\), got (?P<v>.+)$",
          "比例须为 1—10000 个基点（0.01%—100%），实际为 {v}。"),
    _rule(r"^must be positive and at most one quarter \((?P<q>.+)\), got (?P<v>.+)$",
          "须为正数且不超过一个季度（{q}），实际为 {v}。"),
    _rule(r"^a deadline must be positive, got (?P<v>.+)$", "期限须为正数，实际为 {v}。"),
    _rule(r"^only a weighted positive list has a weight, got (?P<v>.+)$",
          "只有加权的正面清单才有权重，实际为 {v}。"),
    _rule(r"^must be at least 1, got (?P<v>.+)$", "至少为 1，实际为 {v}。"),
    _rule(r"^must be 1 to 4 quarters, got (?P<v>.+)$", "须为 1—4 个季度，实际为 {v}。"),
    _rule(r"^a category may have only one minimum$", "每个类别只能有一个最低比例。"),
    _rule(r"^either a share per quarter or an officer ratio, not both$",
          "每季度比例和人员配比只能二选一。"),
    _rule(r"^both sides of officers:units must be at least 1, got (?P<v>.+)$",
          "执法人员:单位 的两边都须至少为 1，实际为 {v}。"),
    _rule(r"^must not be negative, got (?P<v>.+)$", "不能为负数，实际为 {v}。"),
    _rule(r"^must not be negative$", "不能为负数。"),
    _rule(r"^'(?P<v>[^']*)' is not a day of the year as MM-DD$", "“{v}”不是 MM-DD 形式的日期。"),
    _rule(r"^a risk grade may have only one weight$", "每个风险等级只能有一个权重。"),
    _rule(r"^must be an integer of at least 1, got (?P<v>.+)$", "须为不小于 1 的整数，实际为 {v}。"),
    _rule(r"^expected an object, got (?P<v>.+)$", "须为 JSON 对象，实际为 {v}。"),
    _rule(r"^unknown field$", "不认识这个字段：请删除它或改正字段名。"),
    _rule(r"^a note must not be empty$", "说明不能为空。"),
    _rule(r"^must not be empty$", "不能为空。"),
    _rule(r"^'(?P<v>[^']*)' may not contain spaces or '\+'$", "“{v}”不能含有空格或“+”。"),
    _rule(r"^an annual plan is for a year$", "年度计划须写明年份。"),
    _rule(r"^not the key in force \(the last rotation's key\)$", "不是现行密钥（最近一次轮换的密钥）。"),
    _rule(r"^not a verifier key of log (?P<l>\S+)$", "不是日志 {l} 的验证公钥。"),
    _rule(r"^a published entry is its name and credit code$", "公开的条目须有名称和统一社会信用代码。"),
    _rule(r"^an? (?P<r>\w+) account names its (?P<w>.+)$", "{r} 账户须写明 {w}。"),
    _rule(r"^an? (?P<r>\w+) account has no (?P<w>.+)$", "{r} 账户没有 {w}：请去掉它。"),
    # the fixed source code against the unit's other fields (each mismatch, "; " between them)
    _rule(r"^(?P<l>(?:fixed_source_code |the code that fits ).*)$",
          lambda m, f: _mismatches(m["l"])),
    _rule(r"^its first 18 characters are the unit's credit code, and (?P<r>.+?)"
          r"(?: \(the fixed source code would then be (?P<w>\S+)\))?$",
          lambda m, f: "前 18 位是单位的统一社会信用代码，而 "
          + _within(m["r"], "credit_code").rstrip("。")
          + (f"；固定污染源编码应是 {m['w']}。" if m["w"] else "。")),
    _rule(r"^the header has (?P<n>\d+) problems, nothing imported: (?P<l>.+?)"
          r"(?: \(known columns: (?P<k>.+)\))?$",
          lambda m, f: f"表头有 {m['n']} 处问题，未导入任何内容：" + "；".join(
              _within(p, "").rstrip("。") for p in m["l"].split("; "))
          + (f"（可用的列名：{m['k']}）" if m["k"] else "") + "。"),
    _rule(r"^row 1, column (?P<c>.+?): unknown column$", "第 1 行的列名“{c}”无法识别"),
    _rule(r"^no signing key for log\(s\) (?P<l>.+?): run (?P<c>.+)$",
          "没有日志 {l} 的签名密钥：请运行 {c}。"),
    # the witness's refusals (what `witness status` and `log witness-submit` show) and signing
    _rule(r"^'(?P<v>[^']*)' is not a decimal without leading zeros$", "“{v}”不是没有前导零的十进制数。"),
    _rule(r"^no empty line before the checkpoint$", "检查点之前缺少空行。"),
    _rule(r"^the first line is not 'old <size>'$", "第一行不是“old <大小>”。"),
    _rule(r"^(?P<n>\d+) proof lines, more than (?P<m>\d+)$", "证明有 {n} 行，超过了 {m} 行。"),
    _rule(r"^(?P<o>\d+) is above the checkpoint's size (?P<n>\d+)$", "{o} 大于检查点的大小 {n}。"),
    _rule(r"^(?P<o>\d+) is not the size this witness last cosigned \((?P<n>\d+)\)$",
          "{o} 不是本见证方最近联署的大小（{n}）：请先提交与之衔接的检查点。"),
    _rule(r"^size 0 with a root that is not the empty tree's$", "大小为 0，根却不是空树的根。"),
    _rule(r"^not UTF-8$", "不是 UTF-8 文本。"),
    _rule(r"^line (?P<n>\d+) is not a (?P<w>32-byte|base64) hash$",
          lambda m, f: f"第 {m['n']} 行不是"
          + ("32 字节的哈希。" if m["w"] == "32-byte" else "base64 编码的哈希。")),
    _rule(r"^the old size is 0, so the proof must be empty$", "原大小为 0，证明必须为空。"),
    _rule(r"^(?P<e>.+): this checkpoint does not extend the one cosigned at size (?P<n>\d+)$",
          "这个检查点不是在大小 {n} 处已联署的检查点之上的延伸（{e}）：日志可能被回滚或分叉，"
          "见证方保留这次拒绝作为证据。"),
    _rule(r"^'(?P<o>[^']*)' is not a log this deployment witnesses$",
          "“{o}”不是本部署见证的日志：请先 `spotcheck witness add-log`。"),
    _rule(r"^this deployment witnesses no log \(it has no witness key: `spotcheck witness init`\)$",
          "本部署不见证任何日志（没有见证密钥）：请先 `spotcheck witness init`。"),
    _rule(r"^the last signed checkpoint cannot be read: (?P<e>.+)$", "无法读取最近签名的检查点（{e}）。"),
    _rule(r"^refusing to sign: the log is not an extension of checkpoint (?P<n>\d+) signed earlier "
          r"\((?P<w>[^)]*)\): its history was rewritten \((?P<d>.*)\)$",
          "拒绝签名：日志不是此前（{w}）签名的检查点 {n} 的延伸，其历史已被改写（{d}）："
          "请停止操作并查明原因，联系上级核验。"),
    _rule(r"^an integer$", "须为整数。"),
    # the demo's options
    _rule(r"^no free park code (?P<c>\S+) under (?P<p>\S+)$", "{p} 下没有空闲的园区代码（{c}）。"),
    _rule(r"^(?P<c>\S+) is not a current province-level division$", "{c} 不是现行的省级行政区划。"),
    _rule(r"^(?P<c>\S+) (?P<n>\S+) has no prefectures in GB/T 2260 .*$",
          "{c} {n} 在 GB/T 2260 中没有地级行政区（直辖市的区不在此模拟）。"),
    _rule(r"^(?P<v>-?\d+) must be 0 … (?P<m>\d+)$", "{v} 须在 0 至 {m} 之间。"),
    _rule(r"^(?P<v>-?\d+) must not be negative$", "{v} 不能为负数。"),
    # how names are masked (the agency's masking settings)
    _rule(r"^an empty name cannot be masked$", "空姓名无法遮盖。"),
    _rule(r"^pattern (?P<p>.+) leaves a (?P<n>\d+)-character name unmasked$",
          "遮盖规则 {p} 会让 {n} 个字的姓名完全显示：请改用其他遮盖规则。"),
    _rule(r"^(?P<n>\d+) listed name\(s\) shorter than 2 characters; .*$",
          "有 {n} 个列出的姓名少于 2 个字：单个字会遮盖文字中该字的每一次出现，请删除它们。"),
    _rule(r"^keep '(?P<v>[^']*)' is not one of 'surname', 'first_and_last', 'none'$",
          "keep 的值“{v}”不是 surname（保留姓）、first_and_last（保留首尾）、none（全部遮盖）之一。"),
    _rule(r"^mask must be a non-empty string$", "遮盖符号（mask）不能为空。"),
    _rule(r"^width (?P<v>\S+) must be at least 1 \(or None\)$", "宽度 {v} 至少为 1（或不设）。"),
    # the ledger's own consistency (stop and find out)
    _rule(r"^a non-empty mapping of strings to strings$", "须为非空的“文字:文字”映射。"),
    _rule(r"^a simulated time is timezone-aware$", "模拟时间须带时区。"),
    _rule(r"^the tracking position moved from (?P<a>\S+) while this batch was being integrated$",
          "整合这一批事件时，跟踪位置从 {a} 被移动了：另有进程在同时整合日志，请稍后重试。"),
    _rule(r"^its size changed from (?P<a>\S+) while this batch was being integrated$",
          "整合这一批事件时，日志大小从 {a} 变了：另有进程在同时整合日志，请稍后重试。"),
    _rule(r"^nodes missing from the store: (?P<l>.+)$", "存储中缺少树节点：{l}。"),
    _rule(r"^no leaf at index (?P<i>\S+)$", "序号 {i} 处没有叶子。"),
    _rule(r"^the service reads the read models; the projection worker writes them$",
          "服务只读取读模型，读模型由投影进程写入。"),
    _rule(r"^(?P<r>.+); (?P<n>\d+) visit\(s\) not recorded yet: (?P<l>.+?)(?: \((?P<c>`[^`]*`)\))?$",
          lambda m, f: _within(m["r"], f).rstrip("。")
          + f"；尚有 {m['n']} 处检查未填报记录：{_more(m['l'])}" + (f"（用 {m['c']} 填报）" if m["c"] else "")
          + "。"),
)


def repr_(text: str) -> str:
    return f"'{text}'"


def _status(value: str) -> str:
    return WORDS["status"].get(value, value)


def _kind(value: str) -> str:
    return WORDS["agency_kind"].get(value, value)


def _entropy(value: str) -> str:
    return WORDS["entropy"].get(value, value)


def _weekday(text: str) -> str:
    days = {"a Saturday": "星期六", "a Sunday": "星期日"}
    return days.get(text, "法定节假日" if "holiday" in text else text)


#: Each mismatch between a fixed source code and the unit's other fields (seed 002 annex 2).
_MISMATCH: tuple[Rule, ...] = (
    _rule(r"^fixed_source_code is locally numbered \((?P<n>[^)]*)\) but credit_code (?P<c>\S+) embeds "
          r"organisation code (?P<o>\S+)$",
          "固定污染源编码是自行编号的（{n}），但统一社会信用代码 {c} 中含有组织机构代码 {o}"),
    _rule(r"^seed 002 annex 2 allows local numbering only for units without an organisation code$",
          "种子文件 002 附件 2 只允许没有组织机构代码的单位自行编号"),
    _rule(r"^fixed_source_code organisation code (?P<a>\S+) differs from the organisation code (?P<b>\S+) "
          r"embedded in credit_code (?P<c>\S+) \(positions 9-17\)$",
          "固定污染源编码中的组织机构代码 {a} 与统一社会信用代码 {c} 第 9—17 位的组织机构代码 {b} 不一致"),
    _rule(r"^fixed_source_code env code (?P<e>\d+) means (?P<l>\w*) (?P<c>\w+), but the directory's "
          r"control_level/category is (?P<l2>\w*) (?P<c2>\w+)$",
          lambda m, f: f"固定污染源编码的环保代码 {m['e']} 表示“{_level_category(m['l'], m['c'])}”，"
          f"而名录中的控制级别/类别是“{_level_category(m['l2'], m['c2'])}”"),
    _rule(r"^fixed_source_code (?P<h>has|lacks) the \(1\) suffix, but the directory's special "
          r"supervision \(特殊监管对象\) is (?P<s>\w+)$",
          lambda m, f: ("固定污染源编码带有 (1) 后缀，但名录中该单位不是特殊监管对象" if m["h"] == "has"
                        else "固定污染源编码没有 (1) 后缀，但名录中该单位是特殊监管对象")),
    _rule(r"^fixed_source_code division (?P<d>\S+) is not within the directory's county (?P<c>\S+)$",
          "固定污染源编码中的行政区划 {d} 不在名录所填的区县 {c} 之内"),
    _rule(r"^the code that fits the directory would be (?P<r>\S+)$", "与名录相符的编码应是 {r}"),
    _rule(r"^fixed_source_code (?P<f>\S+) begins with credit code (?P<a>\S+), but the unit's "
          r"credit_code is (?P<c>\S+): its fixed source code would be (?P<r>\S+)$",
          "固定污染源编码 {f} 的前 18 位是统一社会信用代码 {a}，而该单位的统一社会信用代码是 {c}："
          "其固定污染源编码应是 {r}"),
)


def _level_category(level: str, category: str) -> str:
    words = [WORDS["control_level"].get(level, level) if level else "",
             WORDS["category"].get(category, category)]
    return " ".join(w for w in words if w)


def _mismatches(text: str) -> str | None:
    """The mismatches of a fixed source code, each in Chinese; None (framed) when one is unknown."""
    said: list[str] = []
    for part in text.split("; "):
        for pattern, render in _MISMATCH:
            found = pattern.match(part)
            if found is not None:
                said.append(render(found, "fixed_source_code") or part)
                break
        else:
            return None
    return "；".join(said) + "：请核对排污许可证上的编码和名录中的类别、控制级别。"


class _Untranslated(Exception):
    """A part of a rule no pattern knows: the whole rule is framed, never half translated."""


def _within(rule: str, field: str) -> str:
    """A part of a rule (after a prefix a pattern translated), in Chinese, or :class:`_Untranslated`."""
    said = rule_zh(rule, field)
    if said is None and _english(rule):
        raise _Untranslated(rule)
    return said if said is not None else rule


def _fields(text: str) -> str:
    """``item, finding and description`` → ``item、finding、description``."""
    return "、".join(p.strip() for p in re.split(r",| and ", text) if p.strip())


def _json_what(text: str) -> str:
    return {"the record": "检查记录", "the rulebook": "规则手册"}.get(text, text)


def _differences(text: str) -> str:
    """``类别: 特殊监管 in the ledger, 重点 in the file; …`` →
    ``类别：账本中为“特殊监管”，文件中为“重点”；…``"""
    def one(part: str) -> str:
        found = re.match(r"^(?P<c>[^:]+): (?P<l>.*) in the ledger, (?P<f>.*) in the file$", part.strip())
        if found is None:
            return part.strip()
        ledger, file = (("空" if v == "(empty)" else f"“{v}”") for v in (found["l"], found["f"]))
        return f"{found['c']}：账本中为{ledger}，文件中为{file}"
    return "；".join(one(part) for part in text.split("; "))


def _silent_note(note: str) -> str:
    """A preset's note on a category it gives no number for (``special objects: 应加大抽查比例
    (002 二(五)3), no number given``), in Chinese."""
    for english, chinese in (("special objects: ", "特殊监管对象："), (", no number given", "，未给出比例"),
                             ("draw more", "加大抽查"), ("key units: ", "重点排污单位："),
                             ("general units: ", "一般排污单位：")):
        note = note.replace(english, chinese)
    return note


def _more(listed: str) -> str:
    """``甲、乙 and 14 more`` → ``甲、乙等，另有 14 处``."""
    return re.sub(r" and (\d+) more$", r"等，另有 \1 处", listed)


def _missing(rest: str) -> str:
    found = re.match(r"^;?\s*(?P<n>\d+) visit\(s\) not recorded yet: (?P<l>.+?)"
                     r"(?: \((?P<cmd>`[^`]*`)\))?$", rest.strip())
    if found is None:
        return rest.strip("; ")
    return (f"尚有 {found['n']} 处检查未填报记录：{_more(found['l'])}"
            + (f"（用 {found['cmd']} 填报）" if found["cmd"] else ""))


#: A column header agencies write → the field (for the words of its values).
_COLUMN_FIELDS = {zh: name for name, (_, zh) in FIELDS.items()}


def _import_rows(rows: str) -> str:
    """``  row 3, column 类别: …`` lines of a rejected import, each in Chinese."""
    lines = []
    for line in rows.splitlines():
        found = re.match(r"^(?P<i>\s*)row (?P<r>\d+), column (?P<c>.+?): (?P<why>.*)$", line)
        more = re.match(r"^(?P<i>\s*)… and (?P<n>\d+) more$", line)
        if found is not None:
            field = _COLUMN_FIELDS.get(found["c"], "")
            lines.append(f"{found['i']}第 {found['r']} 行，“{found['c']}”列："
                         f"{rule_zh(found['why'], field) or _frame_rule(found['why'], field)}")
        elif more is not None:
            lines.append(f"{more['i']}…… 另有 {more['n']} 处")
        else:
            lines.append(line)
    return "\n".join(lines)


def rule_zh(rule: str, field: str = "") -> str | None:
    """The rule (of ``field``) translated whole, or None when no pattern knows it."""
    for pattern, render in RULES:
        found = pattern.match(rule)
        if found is not None:
            try:
                return render(found, field)
            except _Untranslated:
                return None
    # a rule that names a field of its own ("fixed_source_code: …" inside a row's reason)
    inner_field, inner_rule = split_message(rule)
    if inner_field and inner_rule != rule:
        inner = rule_zh(inner_rule, inner_field)
        if inner is not None:
            return f"{field_label(inner_field, 'zh')}：{inner}"
    return None


def _english(rule: str) -> bool:
    """The rule is English prose: two English words in a row, commands in backticks aside."""
    return re.search(r"[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}", re.sub(r"`[^`]*`", "", rule)) is not None


def _frame_rule(rule: str, field: str = "") -> str:
    """An untranslated rule, quoted values in Chinese quotes."""
    return _quoted(rule, field)


def message(error: SpotcheckError, lang: Lang | None = None, surface: Surface = "cli") -> str:
    """The whole message of ``error`` in ``lang`` (default: the current language)."""
    return text(str(error), error.kind, lang, field=error.field, rule=error.rule, surface=surface)


def text(whole: str, kind: Kind | str = "invalid", lang: Lang | None = None, *,
         field: str | None = None, rule: str | None = None, surface: Surface = "cli") -> str:
    """A message ``field: rule`` written by the code, in ``lang``: the field named as the user
    wrote it, the rule translated (or framed with the kind and the next step)."""
    lang = lang or current()
    if field is None or rule is None:
        field, rule = split_message(whole)
    if lang != "zh":
        if surface == "cli" and field and field.removeprefix("record.") in FIELDS:
            return f"{field_label(field, 'en')}: {rule}"
        return whole
    label = field_label(field, "zh", surface) if field else ""
    translated = rule_zh(rule, field)
    if translated is None and not _english(rule):
        translated = rule  # written in Chinese already (a command's own message)
    if translated is not None:
        return f"{label}：{translated}" if label else translated
    frame = KIND_ZH.get(kind, "出错")
    said = _frame_rule(rule, field).rstrip("。.")
    return (f"{frame}——{label}：{said}。{NEXT_STEP.get(kind, '')}" if label
            else f"{frame}：{said}。{NEXT_STEP.get(kind, '')}")
