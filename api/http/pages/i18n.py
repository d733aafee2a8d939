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
}
