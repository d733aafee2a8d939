"""The pages' two languages (界面语言): Simplified Chinese by default, English on request.

The language of a page is, in this order: ``?lang=zh|en`` in the address, the ``spotcheck_lang``
cookie the language switch sets, the reader's ``Accept-Language`` (English only when the reader
ranks an English tag above every Chinese one), else Chinese. Every text a page shows is a key of
:data:`TEXTS` with its two translations; a key missing from it is an error in the tests, not a
blank on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request

LANGS = ("zh", "en")
LANG_COOKIE = "spotcheck_lang"
Translate = Callable[..., str]


def _accept_language(header: str) -> str | None:
    """The first of zh / en in the reader's ranking (q-values honoured), or None."""
    ranked: list[tuple[float, int, str]] = []
    for n, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGS and quality > 0:
            ranked.append((-quality, n, primary))
    return sorted(ranked)[0][2] if ranked else None


def choose(request: Request) -> str:
    """The page's language for this request."""
    asked = request.query_params.get("lang", "")
    if asked in LANGS:
        return asked
    kept = request.cookies.get(LANG_COOKIE, "")
    if kept in LANGS:
        return kept
    return _accept_language(request.headers.get("accept-language", "")) or "zh"


def translator(lang: str) -> Translate:
    """``t("key", name=value)``: the text of ``key`` in ``lang`` with ``{name}`` filled in."""
    column = LANGS.index(lang)

    def t(key: str, **values: Any) -> str:
        text = TEXTS[key][column]
        return text.format(**values) if values else text

    return t


#: key: (Chinese, English)
TEXTS: dict[str, tuple[str, str]] = {
    # -- frame ------------------------------------------------------------------------------------
    "site": ("双随机、一公开 · 抽查公示", "Random inspections · public disclosure"),
    "site_short": ("抽查公示", "Spotcheck"),
    "nav.home": ("首页", "Home"),
    "nav.search": ("查询企业", "Find a company"),
    "nav.verify": ("自己核验", "Check it yourself"),
    "nav.check": ("核验回执", "Check a receipt"),
    "nav.login": ("工作人员登录", "Staff sign-in"),
    "nav.logout": ("退出", "Sign out"),
    "nav.mine": ("我的工作", "My work"),
    "lang.switch": ("English", "中文"),
    "skip": ("跳到正文", "Skip to content"),
    "footer": ("本站全部页面与核验脚本均由本服务器提供，不引用任何外部资源。",
               "Every page and checking script comes from this server; nothing is loaded from "
               "elsewhere."),
    "error.title": ("出错了", "Something went wrong"),
    "error.back": ("返回首页", "Back to the home page"),
    "not_found": ("没有找到：{what}", "Not found: {what}"),
    "none": ("暂无", "None yet"),
    "sep": ("：", ": "),
    "lp": ("（", " ("),
    "rp": ("）", ")"),
    "comma": ("、", ", "),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    # -- home -------------------------------------------------------------------------------------
    "home.title": ("随机抽查公示", "Random inspections, disclosed"),
    "home.lead": ("生态环境部门每季度随机抽取检查对象、随机选派执法人员（双随机），检查结果向社会公开（一公开）。"
                  "每一次摇号、名单确定、检查记录和结果公开都记入不可篡改的日志，任何人都可以自己核验。",
                  "Every quarter the environmental agencies draw at random which companies to inspect "
                  "and which officers go (双随机), and publish the results (一公开). Every draw, "
                  "fixed list, record and disclosure is written to a tamper-evident log that anyone "
                  "can check for themselves."),
    "home.agencies": ("各级生态环境部门", "Agencies"),
    "home.no_agencies": ("尚未建立任何部门。", "No agency has been established yet."),
    "level.province": ("省级", "province"),
    "level.prefecture": ("地市级", "prefecture"),
    "level.county": ("县级", "county"),
    "level.zone": ("园区", "zone"),
    # -- search -----------------------------------------------------------------------------------
    "search.title": ("查询企业的抽查结果", "Find a company's inspection results"),
    "search.label": ("企业名称或统一社会信用代码", "Company name or unified social credit code"),
    "search.button": ("查询", "Search"),
    "search.count": ("共 {n} 条已公开的抽查结果", "{n} published results"),
    "search.empty": ("没有找到已公开的抽查结果。结果在检查完成并经公开后才会出现。",
                     "No published result found. A result appears once the visit is done and "
                     "its result is disclosed."),
    "search.hint": ("输入至少两个字，例如“粮油”或信用代码的一部分。",
                    "Type at least two characters, e.g. part of a name or of the credit code."),
    "search.too_short": ("查询内容：至少两个字", "query: at least two characters"),
    # -- agency -----------------------------------------------------------------------------------
    "agency.year": ("{year} 年", "{year}"),
    "agency.years": ("年度", "Year"),
    "agency.items": ("抽查事项清单", "List of inspection items"),
    "agency.plan": ("抽查计划公告", "Annual inspection plan"),
    "agency.tasks": ("抽查任务公告", "Inspection task notices"),
    "agency.results": ("抽查结果公告", "Inspection results"),
    "agency.fixed": ("已确定的抽查名单", "Fixed inspection lists"),
    "agency.fixed_lead": ("名单一经确定不得随意变更。此处公开确定的时间和名单的哈希值；名单本身在检查完成后随任务公告公开，"
                          "届时任何人都可以核对它与此处的哈希值一致。",
                          "A fixed list may not be changed. Shown here: when it was fixed and its "
                          "hash. The list itself is published with the task notice after the "
                          "visits, and anyone can then check it against this hash."),
    "agency.below": ("下级部门", "Agencies below"),
    "agency.parent": ("上级部门", "Level above"),
    "item.item": ("抽查事项", "Item"),
    "item.basis": ("依据", "Legal basis"),
    "item.content": ("检查内容", "What is checked"),
    "plan.not_filed": ("本年度抽查计划尚未公告。", "This year's plan has not been published."),
    "plan.quarter": ("季度", "Quarter"),
    "plan.category": ("类别", "Category"),
    "plan.required": ("应抽查数", "Required"),
    "plan.units": ("本年度随机抽查对象名录", "Units under random supervision this year"),
    "plan.units_none": ("本年度随机抽查对象名录未单独公布。", "No separate list of units was published "
                        "for this year."),
    "category.key": ("重点排污单位", "key polluters"),
    "category.general": ("一般排污单位", "general polluters"),
    "category.special": ("特殊监管对象", "under special supervision"),
    "task.draw": ("摇号批次", "Draw"),
    "task.period": ("期间", "Period"),
    "task.unit": ("检查对象", "Unit"),
    "task.code": ("统一社会信用代码", "Credit code"),
    "task.officers": ("执法人员（执法证号）", "Officers (certificate no.)"),
    "task.count": ("{n} 个检查对象", "{n} units"),
    "task.none": ("尚无已公开的任务公告（任务公告在检查完成后公开）。",
                  "No task notice yet (task notices are published after the visits)."),
    "fixed.on": ("确定日期", "Fixed on"),
    "fixed.hash": ("名单哈希值 (SHA-256)", "List hash (SHA-256)"),
    "fixed.none": ("本年度尚无确定的抽查名单。", "No list fixed this year yet."),
    "result.category": ("检查结果", "Finding"),
    "result.visited": ("检查日期", "Visited on"),
    "result.orders": ("责令改正", "Orders to correct"),
    "result.due": ("限期", "due"),
    "result.none": ("本年度尚无公开的抽查结果。", "No result published this year yet."),
    "result.details": ("详情与核验", "Details and check"),
    # -- one result ---------------------------------------------------------------------------------
    "res.title": ("抽查结果", "Inspection result"),
    "res.case": ("立案查处", "Case filed"),
    "res.penalty": ("处罚", "Penalty"),
    "res.remarks": ("说明", "Remarks"),
    "res.draw": ("这次抽查来自哪次摇号", "The draw this visit came from"),
    "res.fixed_on": ("名单确定日期", "List fixed on"),
    "res.list_hash": ("名单哈希值", "List hash"),
    "res.disclosed_on": ("任务公告日期", "Task notice published on"),
    "res.result_disclosed_on": ("结果公开日期", "Result published on"),
    "res.seed_commitment": ("种子承诺值", "Seed commitment"),
    "res.receipts": ("日志回执", "Log receipts"),
    "res.receipts_lead": ("以下事件已记入该部门的日志。回执（.tlog-proof）可在本站“核验回执”页面由您的浏览器自行核验，"
                          "也可以用离线核验工具核验。",
                          "These events are in the agency's log. A receipt (.tlog-proof) can be "
                          "checked by your own browser on the “Check a receipt” page, or offline."),
    "res.event_result_disclosed": ("结果公开事件", "Result published (event)"),
    "res.event_list_fixed": ("名单确定事件", "List fixed (event)"),
    "res.event_disclosed": ("任务公告事件（公开名单与密钥）", "Task notice (list and key published)"),
    "res.log_index": ("日志 {log} 第 {index} 条", "log {log}, entry {index}"),
    "res.event_hash": ("事件哈希值", "Event hash"),
    "res.download": ("下载回执", "Download receipt"),
    "res.check": ("在浏览器中核验", "Check in this browser"),
    "res.not_logged": ("尚未记入日志（稍后刷新）。", "Not in the log yet (refresh shortly)."),
    "bundle.title": ("公开核验包", "Public bundle"),
    "bundle.lead": ("本机关日志的全部条目（哈希值）和签名检查点，以及按规定应当公开的事件正文（抽查事项、计划、名单确定与公开、"
                    "任务公告、结果公告），不含个人信息和不予公开的内容。下载后用 spotcheck-verify 离线核验：日志完整、"
                    "已公开的每次抽取可完整复算。",
                    "Every entry (hash) and signed checkpoint of this agency's log, with the bodies of "
                    "the events the rules make public (items, plan, list fixing and disclosure, task "
                    "and result notices), without personal data or withheld content. Check it offline "
                    "with spotcheck-verify: the log is whole and every disclosed draw replays."),
    "bundle.download": ("下载公开核验包 (zip)", "Download the public bundle (zip)"),
    # -- check yourself ----------------------------------------------------------------------------
    "verify.title": ("自己核验", "Check it yourself"),
    # -- receipt check -----------------------------------------------------------------------------
    "check.title": ("核验回执", "Check a receipt"),
    "check.lead": ("由您的浏览器核验：日志签名、见证人联署和默克尔包含证明，全部在本页用 WebCrypto 计算，不向服务器询问结果。"
                   "所用公钥显示在下方，您可以换成从其他渠道（如上级部门、公告）取得的公钥。",
                   "Your browser checks the log's signature, the witnesses' cosignatures and the "
                   "Merkle inclusion proof, all computed in this page with WebCrypto; the server is "
                   "not asked for the answer. The keys used are shown below; replace them with "
                   "keys you obtained elsewhere (from the level above, a notice)."),
    "check.file": ("回执文件 (.tlog-proof)", "Receipt file (.tlog-proof)"),
    "check.text": ("或粘贴回执内容", "or paste the receipt"),
    "check.entry": ("事件哈希值（64 位十六进制，被记入日志的条目）",
                    "Event hash (64 hex digits: the logged entry)"),
    "check.log_keys": ("日志公钥（每行一个）", "Log keys (one per line)"),
    "check.witness_keys": ("见证人公钥（每行一个）", "Witness keys (one per line)"),
    "check.quorum": ("至少需要的有效见证人联署数", "Valid witness cosignatures required"),
    "check.button": ("核验", "Check"),
    "check.fetching": ("正在取回执……", "Fetching the receipt…"),
    "check.no_webcrypto": ("此浏览器不支持 WebCrypto Ed25519，无法在页面中核验；请使用离线核验工具。",
                           "This browser lacks WebCrypto Ed25519; use the offline verifier."),
    # -- sign in ------------------------------------------------------------------------------------
    "login.title": ("工作人员登录", "Staff sign-in"),
    "login.lead": ("使用管理员为您签发的访问令牌（spk_ 开头）登录。令牌只显示一次，请妥善保管。",
                   "Sign in with the access token the administrator issued you (it starts with "
                   "spk_). It was shown once; keep it safe."),
    "login.token": ("访问令牌", "Access token"),
    "login.button": ("登录", "Sign in"),
    "login.bad": ("访问令牌无效、已撤销或已过期，或账户已停用", "the token is unknown, revoked or expired, "
                  "or its account is disabled"),
    "login.as": ("已登录：{name}（{role}）", "Signed in: {name} ({role})"),
    "role.operator": ("操作员", "operator"),
    "role.officer": ("执法人员", "officer"),
    "role.witness": ("见证人", "witness"),
    "role.auditor": ("审计员", "auditor"),
    "csrf.bad": ("表单已过期或来源不明，请刷新页面后重试", "the form expired or did not come from this "
                 "site; reload the page and try again"),
    "form.error": ("未保存，请更正：", "Nothing was saved. Please correct:"),
    "form.field": ("字段", "field"),
    "form.saved": ("已保存。", "Saved."),
    # -- the officer -----------------------------------------------------------------------------------
    "off.title": ("我的检查工作", "My inspections"),
    "off.tasks": ("我的任务", "My tasks"),
    "off.tasks_lead": ("名单在检查完成前保密。打开自己的任务会被记录（谁、何时、为何），请写明事由。", "The list stays sealed until the visits are done. Opening your own tasks is recorded (who, when, why): say why."),
    "off.why": ("事由", "Why"),
    "off.why_hint": ("例如：出发检查", "e.g. leaving for the visits"),
    "off.why_needed": ("打开任务须说明事由（打开会被记录）", "say why you open your tasks (the opening is recorded)"),
    "off.open": ("打开我的任务（记录在案）", "Open my tasks (recorded)"),
    "off.no_draws": ("目前没有已确定、尚未公开的抽查名单。", "No fixed list is waiting for its visits."),
    "off.opened": ("{draw} 中我的任务", "My tasks in {draw}"),
    "off.opened_note": ("本次打开已记录，事由：{why}", "This opening was recorded; why: {why}"),
    "off.record": ("填写检查记录", "Fill in the record"),
    "off.work": ("期限与完成情况", "Deadlines and what is done"),
    "off.record_due": ("记录期限", "Record due"),
    "off.filed_on": ("记录填报日期", "Record filed on"),
    "off.not_filed": ("未填报", "not filed"),
    "off.late": ("逾期 {n} 个工作日", "{n} working days late"),
    "off.rectified": ("{on} 整改完成", "corrected on {on}"),
    "off.steps": ("我的步骤的回执", "Receipts of my steps"),
    "off.steps_lead": ("每一步都记入了日志。下载回执留存：它证明您按时、照单履职（尽职照单免责）。", "Every step is in the log. Keep the receipts: they prove you did your part on time and by the book (尽职照单免责)."),
    # -- the record form ------------------------------------------------------------------------------
    "rec.title": ("现场检查记录", "On-site inspection record"),
    "rec.visit": ("检查情况", "The visit"),
    "rec.place": ("检查地点", "Place"),
    "rec.status": ("生产状态", "State of the unit"),
    "rec.officers": ("在场执法人员", "Officers present"),
    "rec.items": ("抽查事项（按抽查事项清单逐项填写）", "Inspection items (each item of the list)"),
    "rec.description": ("情况说明（发现问题时必填）", "Description (required for a problem)"),
    "rec.annex4": ("污染防治设施与排放（附件4）", "Facilities and emissions (annex 4)"),
    "rec.orders_lead": ("发现问题的，须责令改正并写明限期，或立案查处。", "A problem found needs an order to correct with its due date, or a case filed."),
    "rec.order": ("责令改正事项", "Order to correct"),
    "rec.attachments": ("附件（照片、笔录）", "Attachments (photos, minutes)"),
    "rec.attachments_lead": ("上传时计算每个文件的 SHA-256 哈希值并记入检查记录；原件由本部门存档。", "Each file's SHA-256 is computed on upload and written into the record; the agency archives the file itself."),
    "rec.remarks": ("备注（存档，不公开）", "Remarks (for the file, never published)"),
    "rec.public_remarks": ("公开说明（经审查后随结果公开）", "Text for the public (published with the result once reviewed)"),
    "rec.submit": ("提交检查记录", "File the record"),
    "rec.saved": ("检查记录已保存并记入日志。", "The record is saved and logged."),
    "rec.due": ("记录期限：{due}", "Record due: {due}"),
    "rec.on_time": ("按期填报。", "Filed on time."),
    "rec.back": ("返回我的任务", "Back to my tasks"),
    "rec.correcting": ("此记录已填报；再次提交即为更正，原记录保留。", "This record was filed; submitting again corrects it, and the earlier one is kept."),
    "rec.reason": ("更正原因", "Reason for the correction"),
    "finding.compliant": ("符合", "compliant"),
    "finding.problem": ("发现问题", "problem found"),
    "finding.not_applicable": ("不适用", "not applicable"),
    "annex4.facilities_built": ("污染防治设施已建成", "Pollution control facilities built"),
    "annex4.outfall_standardised": ("排污口规范化", "Outfall standardised"),
    "annex4.facilities_running": ("设施运行情况", "Facilities running"),
    "annex4.emissions_within_limits": ("达标排放", "Emissions within limits"),
    "facility.normal": ("正常", "normal"),
    "facility.abnormal": ("不正常", "abnormal"),
    "facility.none": ("无设施", "none"),
    "emission.yes": ("达标", "within limits"),
    "emission.no": ("超标", "over the limits"),
    "emission.unmonitored": ("未监测", "not monitored"),
    # -- the ceremony ----------------------------------------------------------------------------------
    "cer.title": ("摇号仪式", "Draw ceremony"),
    "cer.draws": ("本部门的摇号", "This agency's draws"),
    "cer.freeze": ("冻结（开始一次摇号）", "Freeze (start a draw)"),
    "cer.freeze_lead": ("冻结名录并公布熵源计划：见证人、掷骰或外部公开值。冻结须在摇号窗口内。", "Freeze the directories and announce the entropy plan: witnesses, dice or an external public value. The freeze is inside the draw window."),
    "cer.period": ("季度（如 2026Q2）", "Quarter (e.g. 2026Q2)"),
    "cer.on": ("冻结日期", "Frozen on"),
    "cer.witnesses": ("见证人（每行一位，写明身份）", "Witnesses (one per line, by role)"),
    "cer.dice": ("掷骰说明（留空则不掷骰）", "Dice (leave empty for none)"),
    "cer.external": ("外部公开值说明（留空则不用）", "External public value (leave empty for none)"),
    "cer.freeze_button": ("冻结", "Freeze"),
    "cer.public_only": ("本页只显示此刻已公开的内容（哈希值和数量）；抽中的名单在任务公告前不在本页显示。", "This page shows only what is public at this moment (hashes and counts); the drawn list is not shown here before the task notice."),
    "cer.frozen_on": ("冻结于", "Frozen on"),
    "cer.window": ("窗口", "window"),
    "cer.public_now": ("已公开的哈希值", "Public hashes"),
    "cer.plan": ("熵源计划", "Entropy plan"),
    "cer.waiting_witnesses": ("等待见证人在自己的设备上提交承诺。", "Waiting for the witnesses to commit from their own devices."),
    "cer.recorded": ("已记录的熵源", "Sources recorded"),
    "cer.refused_reveals": ("{n} 次揭示与承诺不符，已记录并拒绝", "{n} reveals did not match and were refused (recorded)"),
    "cer.digits": ("骰子点数（按顺序）", "Dice digits (in order)"),
    "cer.witnessed_by": ("现场见证人（逗号分隔）", "Watched by (comma separated)"),
    "cer.record_dice": ("记录掷骰结果", "Record the dice"),
    "cer.record_external": ("记录外部公开值", "Record the external value"),
    "cer.derive_seed": ("计算种子（只能一次）", "Derive the seed (once)"),
    "cer.refused_seeds": ("{n} 次重复计算种子被拒绝并记录", "{n} further seed attempts refused (recorded)"),
    "cer.run": ("抽取对象并分配执法人员", "Draw the units and assign the officers"),
    "cer.selection_hash": ("抽取结果哈希值", "selection hash"),
    "cer.sealed": ("名单已加密封存，仅公开哈希值。", "The list is sealed; only its hashes are public."),
    "cer.fix": ("确定名单", "Fix the list"),
    "cer.disclose_lead": ("全部检查完成（或季度结束）后公开任务公告与密钥，任何人即可重算摇号。", "Once every visit is done (or the quarter is over) publish the task notice and the key; anyone can then re-run the draw."),
    "cer.disclose": ("公开任务公告", "Publish the task notice"),
    "cer.disclosed": ("任务公告与密钥已公开。", "The task notice and the key are public."),
    "cer.results": ("检查结果公开", "Publishing the results"),
    "cer.progress": ("抽中 {drawn} 个，已填报记录 {recorded} 个，已公开结果 {published} 个。", "{drawn} drawn, {recorded} recorded, {published} results published."),
    "cer.result_due": ("公开期限", "Publish by"),
    "cer.publish": ("公开结果", "Publish the result"),
    "cer.nothing_due": ("没有待公开的结果（记录填报后出现在此）。", "No result waiting (a result appears here once its record is filed)."),
    "cer.review_publish": ("发布前审核并公开", "Review and publish"),
    "cer.follow_up": ("整改核查", "Follow-up of orders to correct"),
    "cer.open_orders": ("未完成 {n} 项", "{n} open"),
    "cer.all_rectified": ("已全部整改", "all rectified"),
    "cer.open_unit": ("办理检查对象（现场回避、整改核查、结果公开）", "Handle a unit (recusal, follow-up, publication)"),
    "cer.open_unit_lead": ("输入被检查单位的统一社会信用代码。本页不显示未公开的名单。", "Type the unit's unified social credit code. This page does not show the sealed list."),
    "cer.open_unit_button": ("打开", "Open"),
    "cer.unit_code": ("统一社会信用代码", "Unified social credit code"),
    "cer.unit_code_bad": ("统一社会信用代码须为 18 位数字或大写字母", "A unified social credit code is 18 digits or capital letters"),
    "cer.published": ("已公开检查结果：{unit}", "Result published: {unit}"),
    "uw.title": ("检查对象办理", "Handling a unit"),
    "uw.not_recorded": ("尚未填报检查记录", "No record filed yet"),
    "uw.back": ("返回摇号仪式", "Back to the ceremony"),
    "uw.done_rectify": ("已记录整改完成核查。", "The rectification was recorded as verified."),
    "uw.done_recusal": ("已记录回避申请及决定。", "The recusal request and the decision were recorded."),
    "pub.title": ("发布前审核（保密审查）", "Review before publication (confidentiality review)"),
    "pub.lead": ("公开前逐项审查：涉及商业秘密、个人隐私或国家秘密的字段不予公开，公开内容显示“已作区分处理”，原文以哈希值留存备查；公开说明须经审核同意后才公开。", "Review each field before publication: a field touching a commercial secret, personal privacy or a state secret is withheld, shown as 已作区分处理 (its value kept as a hash for audit); the text written for the public is published only once approved."),
    "pub.preview": ("将要公开的内容（已脱敏预览）", "What will be public (masked preview)"),
    "pub.public_text": ("公开说明", "Text for the public"),
    "pub.needs_review": ("须经审核", "needs review"),
    "pub.withhold": ("不予公开的字段", "Fields to withhold"),
    "pub.withhold_lead": ("选择不予公开的依据并写明审查结论；不选则按原文（已脱敏）公开。", "Choose the ground and write the conclusion to withhold a field; leave it to publish the field as it stands (masked)."),
    "pub.field": ("字段", "Field"),
    "pub.ground": ("不予公开的依据", "Ground for withholding"),
    "pub.conclusion": ("审查结论", "Conclusion of the review"),
    "pub.conclusion_hint": ("如：涉及企业商业秘密，不予公开", "e.g. a commercial secret, withheld"),
    "pub.publish_as_is": ("公开（不作区分处理）", "Publish (not withheld)"),
    "pub.preview_button": ("按所选预览", "Preview with these choices"),
    "pub.review": ("审查人和审查日期", "Reviewer and date of review"),
    "pub.reviewer": ("审查人", "Reviewer"),
    "pub.reviewed_on": ("审查日期", "Reviewed on"),
    "pub.publish_lead": ("公开后不能撤回或修改；审查记录随结果记入账本。", "A publication cannot be withdrawn or changed; the review is recorded in the ledger with the result."),
    "pub.publish_button": ("审核通过，公开结果", "Approve and publish the result"),
    "pub.published": ("检查结果已公开。", "The result is published."),
    "ground.commercial_secret": ("商业秘密", "Commercial secret"),
    "ground.personal_privacy": ("个人隐私", "Personal privacy"),
    "ground.state_secret": ("国家秘密", "State secret"),
    "fu.title": ("整改核查", "Verifying the orders to correct"),
    "fu.lead": ("责令改正事项经核查整改到位后逐项记录；全部整改完成后解除重点监管。", "Record each order to correct once verified as done; the last one lifts the special supervision."),
    "fu.order": ("责令改正序号", "Order number"),
    "fu.rectified_on": ("整改完成日期", "Rectified on"),
    "fu.evidence": ("核查依据", "Evidence"),
    "fu.evidence_hint": ("如：复查现场照片 SHA-256、复查笔录编号", "e.g. the re-visit photo's SHA-256, the note's number"),
    "fu.verified_by": ("核查人", "Verified by"),
    "fu.verified": ("{on} 整改完成，核查人 {by}", "Rectified on {on}, verified by {by}"),
    "fu.submit": ("记录整改完成", "Record as rectified"),
    "rcl.title": ("现场回避申请", "Recusal asked at the visit"),
    "rcl.lead": ("被检查单位申请执法人员回避的，记录申请人、理由和决定；准予回避的，按摇号规则从名录中抽取替补人员，记入名单变更。检查记录填报后不能再申请回避。", "When the unit asks that an officer recuse, record who asked, why and the decision; granted, a replacement is drawn by the draw's rules and recorded as an amendment of the list. No recusal once the record is filed."),
    "rcl.officer": ("申请回避的执法人员（执法证号）", "Officer asked to recuse (certificate)"),
    "rcl.officer_hint": ("执法证号", "certificate number"),
    "rcl.requested_by": ("申请人", "Requested by"),
    "rcl.requested_by_hint": ("如：企业负责人", "e.g. the plant's manager"),
    "rcl.reason": ("回避理由", "Reason"),
    "rcl.decision": ("决定", "Decision"),
    "rcl.granted": ("准予回避", "Granted"),
    "rcl.refused": ("不予回避", "Refused"),
    "rcl.replacement": ("替补", "replacement"),
    "rcl.decided_by": ("决定人", "Decided by"),
    "rcl.submit": ("记录回避申请", "Record the recusal"),
    "rcl.saved_granted": ("已记录：{officer} 准予回避，抽取 {replacement} 替补。", "Recorded: {officer} recused; {replacement} drawn as the replacement."),
    "rcl.saved_refused": ("已记录：{officer} 的回避申请不予准许，检查组不变。", "Recorded: the recusal of {officer} refused; the team stays."),
    "amd.title": ("名单变更（确定后）", "Amending the fixed list"),
    "amd.lead": ("名单确定后只能变更：被抽中的单位已关闭或迁出的，由同一层级的下一备选单位替补（须先在名录中剔除）；执法人员回避的，按摇号规则抽取替补。每次变更须写明原因和批准人，记入账本，变更内容加密封存至任务公告。", "Once fixed, the list changes only by amendment: a drawn unit that is closed or relocated is replaced by its stratum's next alternate (remove it from the directory first); an officer who recuses is replaced by the draw's rules. Each amendment states its reason and approver and is recorded, its details sealed until the task notice."),
    "amd.count": ("已变更 {n} 次", "{n} amendment(s) so far"),
    "amd.kind": ("变更类型", "Kind of amendment"),
    "amd.replace": ("替换已关闭或迁出的单位", "Replace a closed or relocated unit"),
    "amd.recuse": ("执法人员回避", "An officer recuses"),
    "amd.officer": ("回避的执法人员（执法证号，仅回避时填写）", "Officer who recuses (certificate; for a recusal only)"),
    "amd.reason": ("变更原因", "Reason"),
    "amd.approved_by": ("批准人", "Approved by"),
    "amd.submit": ("记录名单变更", "Record the amendment"),
    "amd.done_replace": ("已变更：{unit} 由 {replacement} 替补。", "Amended: {unit} replaced by {replacement}."),
    "amd.no_alternate": ("（本层级已无备选单位）", "(no alternate left in the stratum)"),
    "amd.done_recuse": ("已变更：{officer} 在 {unit} 回避，由 {replacement} 替补。", "Amended: {officer} recused from {unit}; {replacement} drawn in."),
    "dir.title": ("名录导入", "Importing a directory"),
    "dir.lead": ("上传检查对象名录或执法人员名录（.xlsx 或 CSV，表头按名录模板）。逐行检查，全部无误才导入；有错误的，一行也不导入，并列出每一处错误。", "Upload the directory of inspection objects or of officers (.xlsx or CSV, with the template's headers). Every row is checked and the file is stored all or nothing: with any bad row nothing is stored, and every problem is listed."),
    "dir.which": ("名录", "Directory"),
    "dir.entities": ("检查对象名录", "Inspection objects"),
    "dir.inspectors": ("执法人员名录", "Officers"),
    "dir.file": ("文件（.xlsx 或 .csv）", "File (.xlsx or .csv)"),
    "dir.submit": ("检查并导入", "Check and import"),
    "dir.which_needed": ("请选择导入哪一个名录", "choose which directory to import"),
    "dir.file_needed": ("请选择要上传的文件（.xlsx 或 .csv）", "choose the file to upload (.xlsx or .csv)"),
    "dir.rejected": ("未导入：{rows} 行有错误（共 {problems} 处），整个文件一行也没有导入。请改正后重新上传：", "Nothing imported: {rows} bad row(s), {problems} problem(s); no row of the file was stored. Correct them and upload again:"),
    "dir.row": ("行号", "Row"),
    "dir.column": ("列", "Column"),
    "dir.reason": ("问题", "Problem"),
    "dir.done": ("已导入 {file}", "Imported {file}"),
    "dir.counts": ("新增或变更 {added} 条，未变 {unchanged} 条。", "{added} added or changed, {unchanged} unchanged."),
    "dir.kept": ("第 {row} 行 {column} 保留账本中的值", "row {row}, {column}: the ledger's value kept"),
    "dir.export_entities": ("下载当前检查对象名录（.xlsx）", "Download the current directory (.xlsx)"),
    "cer.directories": ("名录导入", "Import a directory"),
    "cer.block": ("中止本次摇号", "Stop this draw"),
    "cer.block_lead": ("见证人未能揭示等情形下，本次摇号永久中止（记录在案），须重新冻结开始新的摇号。", "When a witness cannot reveal, the draw is stopped for good (recorded); a new draw starts with a new freeze."),
    "cer.block_reason": ("中止原因", "Reason"),
    "cer.block_detail": ("说明", "Details"),
    "cer.block_button": ("中止摇号", "Stop the draw"),
    "cer.blocked": ("本次摇号已中止", "This draw was stopped"),
    "step.freeze": ("冻结", "Freeze"),
    "step.commitments": ("见证人承诺", "Witness commitments"),
    "step.reveals": ("见证人揭示", "Witness reveals"),
    "step.entropy": ("掷骰 / 外部公开值", "Dice / external value"),
    "step.seed": ("种子", "Seed"),
    "step.run": ("抽取", "Run"),
    "step.fix": ("确定名单", "Fix"),
    "step.disclose": ("公开", "Disclose"),
    "kind.witness": ("见证人", "witness"),
    "kind.dice": ("掷骰", "dice"),
    "kind.external": ("外部公开值", "external value"),
    "status.frozen": ("已冻结", "frozen"),
    "status.seeded": ("已生成种子", "seeded"),
    "status.drawn": ("已抽取", "drawn"),
    "status.fixed": ("已确定", "fixed"),
    "status.amended": ("已变更", "amended"),
    "status.disclosed": ("已公开", "disclosed"),
    "status.blocked": ("已中止", "blocked"),
    # -- the witness -------------------------------------------------------------------------------------
    "wit.title": ("见证人", "Witness"),
    "wit.source": ("熵源 {k}：{name}", "source {k}: {name}"),
    "wit.commit_lead": ("请在本设备上想好一个值（例如随意的一串数字和文字）。页面在您的浏览器中计算它的 SHA-256，只提交哈希值；值本身不会发送给服务器，揭示前请自行记下。", "Choose a value on this device (any string of digits and words). The page computes its SHA-256 in your browser and sends only the hash; the value itself is not sent to the server: write it down until the reveal."),
    "wit.value": ("您的值（不会发送）", "Your value (not sent)"),
    "wit.value_note": ("此输入框没有提交名称，表单中只有下面的哈希值。", "This field has no name in the form; only the hash below is sent."),
    "wit.role": ("身份", "Role"),
    "wit.hash": ("SHA-256 承诺值", "SHA-256 commitment"),
    "wit.commit": ("提交承诺", "Commit"),
    "wit.committed": ("您的承诺已记录：", "Your commitment is recorded:"),
    "wit.waiting": ("等待其他见证人提交承诺，全部提交后才能揭示。", "Waiting for the other witnesses to commit; the reveal opens once all have."),
    "wit.reveal_value": ("揭示您的值", "Reveal your value"),
    "wit.reveal": ("揭示", "Reveal"),
    "wit.match": ("与承诺一致", "matches the commitment"),
    "wit.mismatch": ("与承诺不一致", "does not match the commitment"),
    "wit.revealed": ("您的值已揭示并核对一致。", "Your value is revealed and matched."),
    "wit.commitments": ("已提交的承诺", "Commitments made"),
    # -- the auditor -------------------------------------------------------------------------------------
    "aud.title": ("审计台", "Auditor's desk"),
    "aud.logs": ("下级部门的日志", "The logs of the agencies below"),
    "aud.agency": ("部门", "Agency"),
    "aud.size": ("日志条数", "Log size"),
    "aud.checkpoint": ("最新检查点根哈希", "Latest checkpoint root"),
    "aud.cosigned": ("见证人联署", "Cosigned by"),
    "aud.not_cosigned": ("尚无联署", "not cosigned"),
    "aud.behind": ("落后 {n} 条", "{n} entries behind"),
    "aud.up_to_date": ("已联署至最新", "cosigned up to date"),
    "aud.rolled_back": ("日志少于已联署的条数（被回滚）", "the log holds fewer entries than were cosigned (rolled back)"),
    "aud.bundle": ("审计包", "Bundle"),
    "aud.download": ("下载", "Download"),
    "aud.verify": ("核验审计包", "Verify a bundle"),
    "aud.verify_lead": ("上传审计包（zip），由独立核验程序重放全部事件并出具报告。", "Upload a bundle (zip); the independent verifier replays every event and reports."),
    "aud.file": ("审计包文件 (.zip)", "Bundle file (.zip)"),
    "aud.here": ("在本页显示结果", "Show here"),
    "aud.html": ("打开完整的 HTML 报告", "Open the full HTML report"),
    "aud.verify_button": ("核验", "Verify"),
    "aud.ok": ("核验通过：全部事件、哈希链、日志与签名一致。", "Verified: events, chains, log and signatures hold."),
    "aud.failed": ("核验发现问题，详见报告。", "The verifier found problems; see the report."),
    "aud.summary": ("核验程序输出", "Verifier output"),
    "aud.exempt": ("尽职照单免责：按执法人员", "尽职照单免责: by officer"),
    "aud.exempt_lead": ("每位执法人员本人的每一步是否按规定完成。全部合规者依规免责。", "Whether each of an officer's own steps was by the book. An officer whose steps all were is exempt from blame."),
    "aud.officer": ("执法人员", "Officer"),
    "aud.status": ("结论", "Conclusion"),
    "aud.tasks": ("任务数", "Tasks"),
    "aud.steps": ("不合规的步骤", "Steps not by the book"),
    "aud.all_ok": ("全部合规", "all by the book"),
    "officer.by_the_book": ("尽职照单，依规免责", "by the book: exempt"),
    "officer.late": ("有逾期", "late"),
    "officer.not_by_the_book": ("有不合规步骤，需复核", "not by the book: review"),
    "officer.no_steps": ("无本人步骤", "no steps of their own"),

    # -- event kinds and step outcomes, as officers and auditors read them ---------------------------------
    "event.Registered": ("登记入执法人员名录", "entered in the officers' directory"),
    "event.Opened": ("检查任务开始", "inspection opened"),
    "event.RecordFiled": ("提交检查记录", "record filed"),
    "event.RecordCorrected": ("更正检查记录", "record corrected"),
    "event.ResultDisclosed": ("结果公开", "result published"),
    "event.ListFixed": ("名单确定（含本人分配）", "list fixed (with my assignment)"),
    "event.SealedContentOpened": ("查阅任务（已记录）", "tasks read (recorded)"),
    "event.RecusalRequested": ("回避申请", "recusal asked"),
    "event.Rectified": ("整改完成", "order corrected"),
    "event.record_filed": ("提交检查记录", "record filed"),
    "event.record_corrected": ("更正检查记录", "record corrected"),
    "event.list_fixed": ("名单确定", "list fixed"),
    "event.opened": ("检查任务开始", "inspection opened"),
    "event.result_disclosed": ("结果公开", "result published"),
    "event.recusal": ("回避", "recusal"),
    "event.rectified": ("整改完成", "order corrected"),
    "stepstatus.late": ("逾期", "late"),
    "stepstatus.failed": ("不合规", "not by the book"),
    "stepstatus.ok": ("合规", "by the book"),
}

#: The finding categories of the result notice (published in Chinese; shown in English on request).
CATEGORY_EN = {
    "未发现问题": "no problem found",
    "企业停产，未检查生产状况": "plant stopped; production not inspected",
    "发现问题已责令改正": "problem found, ordered corrected",
    "发现问题待后续处理": "problem found, to be dealt with",
    "未发现本次抽查涉及的生产经营活动": "no activity covered by this inspection found",
    "通过登记的住所无法联系": "cannot be reached at the registered address",
    "不配合检查": "refused the inspection",
    "已关闭或迁出": "closed or moved away",
    "立案查处": "case filed",
}


def category(lang: str) -> Callable[[str], str]:
    """A published finding category in the page's language."""
    return (lambda text: CATEGORY_EN.get(text, text)) if lang == "en" else (lambda text: text)


#: The rules a form most often breaks, in Chinese (the service states them in English; the page
#: shows both when it knows the Chinese): (pattern of the English rule, Chinese with the groups).
RULES_ZH: tuple[tuple[str, str], ...] = (
    (r"^replace a unit or recuse an officer$", "请选择变更类型：替换单位或执法人员回避"),
    (r"^the unit's unified social credit code$", "须填写单位的统一社会信用代码"),
    (r"^the certificate of the officer who recuses$", "须填写回避的执法人员的执法证号"),
    (r"^an amendment after fixing needs its reason$", "名单确定后的变更须写明原因"),
    (r"^an amendment after fixing needs its approver$", "名单确定后的变更须写明批准人"),
    (r"^(\S+) is not on the fixed list of (\S+)$", "{0} 不在 {1} 已确定的名单中"),
    (r"^(\S+) is (\w+); the rules allow replacing only a unit that cannot be inspected .*$", "{0} 的状态为 {1}；只有已关闭或迁出、无法检查的单位才能替换（请先在名录中剔除）"),
    (r"^a withheld field needs its reviewer \(审查人\)$", "须写明审查人"),
    (r"^a review has a date YYYY-MM-DD$", "须写明审查日期（年-月-日）"),
    (r"^each withheld field names its field, ground and conclusion$", "不予公开的字段须写明依据和审查结论"),
    (r"^the text written for the public is published once reviewed .*$", "公开说明须经审核后才能公开：请写明审查人和审查日期"),
    (r"^(\d+) is not an open order of this record \(open, numbered from 1: (.*)\)$", "第 {0} 项不是本记录未完成的责令改正事项（未完成的：{1}）"),
    (r"^'(.*)' is not an order's number \(from 1\)$", "“{0}”不是责令改正事项的序号（从 1 起）"),
    (r"^the certificate of the officer asked to recuse$", "须写明申请回避的执法人员的执法证号"),
    (r"^granted or refused$", "须选择准予回避或不予回避"),
    (r"^a recusal request records who, why and who decided$", "回避申请须写明申请人、理由和决定人"),
    (r"^a recusal is asked at the visit, before the record$", "回避须在检查时、填报记录之前申请"),
    (r"^(\S+) is not on the team of (\S+)$", "{0} 不在 {1} 的检查组中"),
    (r"^a problem is described$", "发现问题的，须写明情况"),
    (r"^a problem found needs an order to correct .*$", "发现问题的，须责令改正（写明限期）或立案查处"),
    (r"^(\S+) is not after the visit \((\S+)\)$", "限期 {0} 须晚于检查日期 {1}"),
    (r"^what must be corrected$", "须写明责令改正的事项"),
    (r"^(\S+) is outside the period (\S+)$", "检查日期 {0} 不在本季度 {1} 之内"),
    (r"^every item of the inspection-item list is covered; missing (.*)$", "须逐项填写抽查事项清单，缺少：{0}"),
    (r"^(\d+) present; the rulebook's team is at least (\d+).*$", "在场执法人员 {0} 人，规定至少 {1} 人（双随机：至少两名执法人员）"),
    (r"^where the inspection took place$", "须填写检查地点"),
    (r"^'?(.*?)'? is not a date YYYY-MM-DD$", "“{0}”不是日期（年-月-日）"),
    (r"^a date YYYY-MM-DD$", "须填写日期（年-月-日）"),
    (r"^a penalty follows a case filed .*$", "处罚须以立案为前提"),
    (r"^blocking a draw needs its reason$", "中止摇号须写明原因"),
    (r"^say why you open your tasks.*$", "打开任务须说明事由"),
    (r"^a dice roll names who watched it$", "须写明现场见证掷骰的人员"),
)


def rule_in(lang: str, rule: str) -> str | None:
    """The Chinese of a known rule (None: not known, or the page is in English)."""
    import re

    if lang != "zh":
        return None
    for pattern, text in RULES_ZH:
        found = re.match(pattern, rule)
        if found:
            return text.format(*found.groups())
    return None
