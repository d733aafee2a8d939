# ruff: noqa: E501
"""Chinese help texts of ``spotcheck``, keyed by the English text in the code (whitespace
collapsed): :func:`api.cli.localise.translate_help` looks them up when the language is Chinese.
``tests/test_language.py`` fails on a help text of any command without its Chinese here: a
changed English help needs its Chinese changed with it."""

from __future__ import annotations

HELP_ZH: dict[str, str] = {
    "Spotcheck (双随机、一公开): the operators' command line.":
        "Spotcheck（双随机、一公开）：执法机构的命令行工具。",
    "the language of output, help and errors: zh (简体中文, the default) or en; also the SPOTCHECK_LANG environment variable; may be given anywhere on the line":
        "输出、帮助和错误提示的语言：zh（简体中文，默认）或 en（英文）；也可用环境变量 SPOTCHECK_LANG 设置；可写在命令行的任何位置",
    "an empty or new directory":
        "一个空目录或新目录",
    "the log: an agency's division code, or `ledger` (default: the only log)":
        "日志：某机构的区划代码，或 `ledger`（默认：唯一的日志）",
    "Write a generated county and its prefecture under the seed 000 rulebooks, with the county's 2026 plan, the 2025-2026 holiday schedules and the 2026Q1 draws (the county's units, the prefecture's audit), then the county's quarter (a record of every visit, follow-up, every result published, the list unsealed), creating the database and each agency's log key it needs (run again: changes nothing).":
        "生成一个演示县及其上级市（采用种子文件 000 的规则手册），含该县 2026 年度计划、2025—2026 年节假日安排和 2026 年第一季度的抽查（县的检查对象抽查、市对县的抽查），再跑完该县的一个季度（每次检查的记录、后续处理、全部结果公开、名单解密），并创建所需的数据库和各机构的日志密钥（重复运行不会改变任何内容）。",
    "inspection objects in the generated county":
        "演示县的检查对象数量",
    "the generator's seed":
        "生成器的随机种子",
    "The log's signing key.":
        "日志的签名密钥。",
    "Create a log's Ed25519 key (file mode 0600, outside the database).":
        "创建日志的 Ed25519 密钥（文件权限 0600，存放在数据库之外）。",
    "whose log: an agency's division code, or `ledger`":
        "哪个日志：某机构的区划代码，或 `ledger`",
    "the log's origin (an agency's log takes the origin the agency declared)":
        "日志的来源名（机构的日志采用该机构声明的来源名）",
    "replace an existing key (a new log identity)":
        "替换已有密钥（即新的日志身份）",
    "Rotate a log's signing key, keeping the log: everything so far is signed by the old key, the rotation is recorded in the log (with the old key's handover), and the new key signs from the next checkpoint on. Old checkpoints keep verifying with the key that signed them.":
        "轮换日志的签名密钥而保留日志：此前的内容均由旧密钥签名，轮换本身（含旧密钥的交接）记入日志，新密钥从下一个检查点起签名。旧检查点仍可用签发它的密钥核验。",
    "the agency's division code (its log)":
        "机构的区划代码（即其日志）",
    "why the key changes (recorded)":
        "更换密钥的原因（记录在案）",
    "who rotates it (recorded)":
        "由谁轮换（记录在案）",
    "the key in force is lost or compromised: it endorses nothing":
        "现用密钥已丢失或泄露：它不为任何内容背书",
    "Print a log's public key in the signed-note verifier-key format.":
        "以签名注记的核验公钥格式打印日志的公钥。",
    "an agency's division code, or `ledger`":
        "某机构的区划代码，或 `ledger`",
    "The transparency log: sync, status, proofs.":
        "透明日志：同步、状态、证明。",
    "Integrate every committed event into its log and sign a checkpoint of each log.":
        "把每个已提交的事件并入其日志，并为每个日志签发检查点。",
    "Run the sequencer: integrate new events and sign a checkpoint of each log every INTERVAL seconds, until interrupted (Ctrl-C or SIGTERM finish the current batch, then stop). One process leads; another one started beside it waits, and takes over when the first stops or dies.":
        "运行排序器：每隔 INTERVAL 秒把新事件并入日志并为每个日志签发检查点，直到被中断（Ctrl-C 或 SIGTERM 会先完成当前批次再停止）。只有一个进程主导；另起的进程等待，在前者停止或退出时接管。",
    "seconds between syncs":
        "两次同步之间的秒数",
    "stop after this long":
        "运行这么久后停止",
    "Show each log's size, root, origin and latest checkpoint, and the sequencer's position.":
        "显示每个日志的大小、根哈希、来源名和最新检查点，以及排序器的位置。",
    "An RFC 9162 inclusion proof of one leaf, as JSON.":
        "某一叶子的 RFC 9162 包含证明（JSON）。",
    "the leaf index to prove":
        "要证明的叶子序号",
    "tree size (default: latest checkpoint)":
        "树的大小（默认：最新检查点）",
    "An RFC 9162 consistency proof between two tree sizes, as JSON.":
        "两个树大小之间的 RFC 9162 一致性证明（JSON）。",
    "the earlier tree size":
        "较早的树大小",
    "the later size (default: latest checkpoint)":
        "较晚的大小（默认：最新检查点）",
    "Signed checkpoints.":
        "签名检查点。",
    "Print a stored signed checkpoint exactly as issued.":
        "原样打印一个已存储的签名检查点。",
    "tree size (default: the latest)":
        "树的大小（默认：最新的）",
    "List every checkpoint issued: size, time, root.":
        "列出已签发的全部检查点：大小、时间、根哈希。",
    "Agencies (执法机构) and their hierarchy.":
        "执法机构及其上下级关系。",
    "Establish an agency under its parent.":
        "在上级机构之下设立一个机构。",
    "e.g. 昌吉州生态环境局昌吉市分局":
        "例如 昌吉州生态环境局昌吉市分局",
    "division code (GB/T 2260)":
        "区划代码（GB/T 2260）",
    "province, prefecture, league, city, county, banner, district, park …":
        "province（省）、prefecture（地级市）、league（盟）、city（市）、county（县）、banner（旗）、district（区）、park（园区）……",
    "the parent agency's division code":
        "上级机构的区划代码",
    "the agency's log origin":
        "机构的日志来源名",
    "All agencies, with level, parent and log origin.":
        "全部机构，含级别、上级和日志来源名。",
    "print JSON":
        "输出 JSON",
    "The inspection-object directory (检查对象名录库).":
        "检查对象名录库。",
    "Import a CSV or .xlsx directory file: all rows or none; every bad row is listed.":
        "导入 CSV 或 .xlsx 名录文件：要么全部导入，要么一行也不导入；列出每一处错误。",
    "the agency's division code":
        "机构的区划代码",
    "Write the directory back to .xlsx or CSV (closed and relocated units included).":
        "把名录写回 .xlsx 或 CSV（含已关闭和已搬迁的单位）。",
    "FILE.xlsx or FILE.csv":
        "文件名.xlsx 或 文件名.csv",
    "English headers":
        "使用英文表头",
    "The agency's inspection objects, with category and status.":
        "本机构的检查对象，含类别和状态。",
    "One inspection object, all its fields.":
        "一个检查对象的全部字段。",
    "Close a unit: out of every later draw, kept in history.":
        "关闭一个单位（剔除）：不再参加此后的抽查，历史记录保留。",
    "why it leaves the directory (剔除)":
        "移出名录的原因（剔除）",
    "Change fields of an entry (name, phone, address, …), with a reason.":
        "修改名录条目的字段（名称、电话、地址……），须写明理由。",
    "FIELD=VALUE, e.g. phone=0994-2345678":
        "字段=值，例如 phone=0994-2345678",
    "why the entry changes":
        "修改的理由",
    "Change a unit's category (and control level for a key unit).":
        "修改单位的类别（重点单位还可改控制级别）。",
    "key, general or special":
        "key（重点）、general（一般）或 special（特殊监管）",
    "why":
        "理由",
    "national/provincial/city/county":
        "national（国控）/provincial（省控）/city（市控）/county（县控）",
    "Put a unit under special supervision (特殊监管对象), or lift it with --lift.":
        "把单位列为特殊监管对象，或用 --lift 解除。",
    "who approved it":
        "批准人",
    "a reason (repeat for several)":
        "理由（可重复给出多条）",
    "lift special supervision instead":
        "改为解除特殊监管",
    "Record that a unit stopped production (停产), or resumed it with --resume.":
        "记录单位停产，或用 --resume 记录恢复生产。",
    "production resumed instead":
        "改为记录恢复生产",
    "Record a relocation (搬迁): out of this directory's later draws, kept in history.":
        "记录单位搬迁：不再参加本名录此后的抽查，历史记录保留。",
    "where it moved":
        "迁往何处",
    "The inspector directory (执法检查人员名录库).":
        "执法检查人员名录库。",
    "Import a CSV or .xlsx inspector file: all rows or none.":
        "导入 CSV 或 .xlsx 执法人员文件：要么全部导入，要么一行也不导入。",
    "Write the inspector directory to .xlsx or CSV.":
        "把执法人员名录写到 .xlsx 或 CSV。",
    "The agency's inspectors: certificate, name, active, conflicts.":
        "本机构的执法人员：执法证号、姓名、在岗与否、利害关系。",
    "Record a leave period: the inspector is not drawn on those days.":
        "记录休假期间：执法人员在这些日子不参加抽取。",
    "the inspector's certificate number":
        "执法人员的执法证号",
    "YYYY-MM-DD":
        "YYYY-MM-DD",
    "YYYY-MM-DD (included)":
        "YYYY-MM-DD（含当日）",
    "e.g. 年休假, 培训":
        "例如 年休假、培训",
    "Take an inspector out of the draws (or back in with --reactivate).":
        "让执法人员退出抽取（或用 --reactivate 恢复）。",
    "e.g. 调离执法岗位":
        "例如 调离执法岗位",
    "make active again instead":
        "改为恢复在岗",
    "Declared conflicts of interest (利害关系).":
        "申报的利害关系。",
    "Declare a conflict of interest: the inspector is never sent to that unit.":
        "申报利害关系：该执法人员永不派往该单位。",
    "the unit's credit code":
        "单位的统一社会信用代码",
    "the interest, e.g. 配偶在该企业任职":
        "利害关系，例如 配偶在该企业任职",
    "Rulebooks (规则手册): presets and adoption.":
        "规则手册：预设与采用。",
    "The presets reproducing the seed documents.":
        "按种子文件整理的预设规则手册。",
    "Adopt a rulebook from a date, recording who approved it and why.":
        "自某日起采用一部规则手册，记录批准人和理由。",
    "a preset name or a rulebook JSON file":
        "预设名称或规则手册 JSON 文件",
    "who approved it (e.g. 局务会)":
        "批准人（例如 局务会）",
    "the share of special-supervision objects drawn per quarter, e.g. 50%, where the rulebook gives no number (seed 002: 应加大抽查比例; 004: none); at least the key units' share":
        "规则手册未给出数字时（种子文件 002：“应加大抽查比例”；004：未规定），每季度抽查特殊监管对象的比例，例如 50%；不低于重点单位的比例",
    "A preset as it would be adopted, or the rulebook in force at an agency on a day (JSON).":
        "预览一部预设规则手册（按采用时的样子），或查看某机构某日生效的规则手册（JSON）。",
    "a preset to preview before adopting it (see `spotcheck rulebook list`)":
        "采用前预览的预设（见 `spotcheck rulebook list`）",
    "or: the rulebook in force at this agency (division code)":
        "或：该机构（区划代码）现行的规则手册",
    "YYYY-MM-DD, with --agency":
        "YYYY-MM-DD，与 --agency 同用",
    "Compute and file the annual plan and quarterly quotas (年度计划、季度任务).":
        "计算并报送年度计划和季度任务（年度计划、季度任务）。",
    "the plan's year":
        "计划的年份",
    "who approved the plan":
        "计划的批准人",
    "Working-day calendars (法定节假日安排) that govern the draw windows.":
        "工作日历（法定节假日安排），决定抽查窗口。",
    "Record one year's State Council holiday schedule for an agency (governs its draw windows).":
        "为机构记录某一年国务院的节假日安排（决定其抽查窗口）。",
    "the year, e.g. 2026":
        "年份，例如 2026",
    "who records it":
        "记录人",
    "the schedule as the chinesecalendar package lists it":
        "采用 chinesecalendar 软件包所列的安排",
    "a schedule JSON file (year, days_off, working_weekends, source)":
        "节假日安排 JSON 文件（year、days_off、working_weekends、source）",
    "The draw (双随机摇号): freeze, seed ceremony, run, fix, amend, disclose.":
        "双随机摇号：冻结、种子仪式、抽取、确定名单、变更、公开。",
    "Freeze the draw's inputs (冻结) inside the draw window, announcing the entropy plan.":
        "在抽查窗口内冻结本次抽查的输入（冻结），并公布熵源计划。",
    "the quarter, e.g. 2026Q1":
        "季度，例如 2026Q1",
    "the freeze date YYYY-MM-DD (inside the window)":
        "冻结日期 YYYY-MM-DD（须在抽查窗口内）",
    "units (the inspection list) or audit (a prefecture's draw of the counties it audits)":
        "units（检查对象抽查）或 audit（上级对所辖县区的抽查）",
    "a witness who commits then reveals (repeat; announced in this order)":
        "先承诺后揭示的见证人（可重复；按给出的顺序公布）",
    "a witnessed dice roll, announced after the witnesses":
        "现场见证的掷骰，公布在见证人之后",
    "a pre-announced public value, announced last":
        "事先公布的公开值，最后公布",
    "most units per officer (0: no cap)":
        "每名执法人员最多承担的单位数（0：不设上限）",
    "A witness's commitment (见证人承诺), before any value is revealed.":
        "见证人的承诺（见证人承诺），须在任何值揭示之前。",
    "e.g. 652301-2026Q1-units":
        "例如 652301-2026Q1-units",
    "the source's number in the entropy plan (1, 2, …)":
        "该熵源在熵源计划中的序号（1、2……）",
    "the witness's name":
        "见证人姓名",
    "e.g. 纪检监察干部, 公证员":
        "例如 纪检监察干部、公证员",
    "SHA-256 of the witness's value (64 hex digits)":
        "见证人所选值的 SHA-256（64 位十六进制）",
    "Print a witness's commitment to VALUE (SHA-256 of its UTF-8 bytes), computed here, offline.":
        "打印见证人对 VALUE 的承诺值（其 UTF-8 字节的 SHA-256），在本机离线计算。",
    "the value the witness chose (keep it secret until the reveal)":
        "见证人选定的值（揭示前请保密）",
    "A witness's reveal (揭示), checked against the commitment; a mismatch is recorded.":
        "见证人揭示（揭示），与承诺核对；不一致会被记录。",
    "the value the witness committed to":
        "见证人承诺过的值",
    "The witnessed dice roll (现场掷骰), after every witness has revealed.":
        "现场见证的掷骰（现场掷骰），在全部见证人揭示之后。",
    "the digits rolled, in order":
        "掷出的数字，按顺序",
    "who watched the roll (repeat)":
        "观看掷骰的人（可重复）",
    "The pre-announced public value (外部公开值), after every witness has revealed.":
        "事先公布的公开值（外部公开值），在全部见证人揭示之后。",
    "the pre-announced public value":
        "事先公布的公开值",
    "Derive the draw's one seed (种子) from every announced source; a second attempt is recorded.":
        "由全部已公布的熵源生成本次抽查唯一的种子（种子）；再次尝试会被记录。",
    "who derives the seed":
        "生成种子的人",
    "Stop a draw for good (a witness never revealed): the period needs a new ruling.":
        "终止一次抽查（有见证人未能揭示）：本季度需重新决定。",
    "e.g. 见证人2未按时揭示":
        "例如 见证人2未按时揭示",
    "more detail (published)":
        "更多说明（会公开）",
    "Draw the units and assign the teams (sealed; their hashes are fixed).":
        "抽取检查对象并分配检查组（名单密封，其哈希值固定）。",
    "Fix the list (确定): from now on it changes only by amendments with reason and approver.":
        "确定名单（确定）：此后只能以写明理由和批准人的变更来改动。",
    "who fixes the list (e.g. 局务会)":
        "确定名单的人或机构（例如 局务会）",
    "Amend a fixed list: replace a closed unit, or fill a recusal; reason and approver required.":
        "变更已确定的名单：替换已关闭的单位，或为回避补人；须写明理由和批准人。",
    "a selected unit that is closed or relocated (credit code)":
        "已关闭或已搬迁的入选单位（统一社会信用代码）",
    "the certificate of an officer who recuses (回避), with --unit":
        "申请回避的执法人员的执法证号，与 --unit 同用",
    "the unit the officer recuses from":
        "该执法人员回避的单位",
    "why (required)":
        "理由（必填）",
    "who approved it (required)":
        "批准人（必填）",
    "An officer's own tasks: each unit's name, address and code, and the team by name; nothing else. The opening is recorded.":
        "执法人员本人的任务：每个单位的名称、地址和代码，以及检查组成员姓名；仅此而已。查看行为会被记录。",
    "the officer's certificate number":
        "执法人员的执法证号",
    "why it is opened (recorded)":
        "查看的理由（记录在案）",
    "Write the spec's files of a draw (inputs, seed, selection, assignment); recorded. Until the draw is disclosed they are secret: the directory is made mode 700, the files mode 600.":
        "写出一次抽查的规范文件（输入、种子、抽取结果、分组）；记录在案。公开之前这些文件须保密：目录权限设为 700，文件权限 600。",
    "who opens the sealed list (recorded)":
        "打开密封名单的人（记录在案）",
    "why (recorded)":
        "理由（记录在案）",
    "The printable record of the draw ceremony (摇号记录) for the witnesses and the operator to sign: date, participants, commitments, sources recorded, seed commitment, list hash.":
        "摇号仪式的书面记录（摇号记录），供见证人和经办人签字：日期、参加人员、承诺、已记录的熵源、种子承诺、名单哈希。",
    "FILE.html: the page to print and sign":
        "文件名.html：供打印签字的页面",
    "with --with-values before disclosure: who opens the sealed values (recorded)":
        "公开前使用 --with-values 时：打开密封值的人（记录在案）",
    "print the revealed values and the dice digits (sealed until the list is disclosed: opening them before is recorded)":
        "打印揭示值和掷骰数字（名单公开前是密封的：提前打开会被记录）",
    "zh or en":
        "zh 或 en",
    "The public view of a draw: status, window, hashes, counts, plan, commitments (no list).":
        "一次抽查的公开信息：状态、窗口、哈希、数量、熵源计划、承诺（不含名单）。",
    "Every draw (or an agency's), with kind, status and selected counts.":
        "全部抽查（或某机构的），含类型、状态和抽中数量。",
    "only this division code":
        "只看这个区划代码",
    "Inspection records (检查记录): file, correct, show; recusal at the visit.":
        "检查记录：填报、更正、查看；检查现场的回避。",
    "File the record of a visit (现场检查记录); late is accepted and flagged in working days.":
        "填报一次检查的记录（现场检查记录）；逾期也接受，并按工作日标明逾期天数。",
    "the unit's unified social credit code":
        "单位的统一社会信用代码",
    "the record as JSON (see inspection_record)":
        "检查记录 JSON 文件（见 inspection_record）",
    "the certificate of an officer present":
        "一名到场执法人员的执法证号",
    "Correct a filed record (更正): it supersedes the record; the earlier one stays in the ledger.":
        "更正已填报的记录（更正）：新记录取代旧记录，旧记录保留在账本中。",
    "the corrected record as JSON":
        "更正后的记录 JSON 文件",
    "why (required; the earlier record stays)":
        "理由（必填；旧记录保留）",
    "The full record of one visit, for an officer of the visit or the agency (never the public). While the draw is sealed a record reveals part of its list: the reading is recorded as an opening (who, why, which record), before the record is shown.":
        "一次检查的完整记录，仅供该次检查的执法人员或本机构查看（从不向公众公开）。抽查名单密封期间，查看记录会泄露部分名单：查看行为（谁、为何、哪份记录）先记录为一次“打开”，然后才显示记录。",
    "read as this officer (certificate): only the officer's own visits":
        "以该执法人员（执法证号）身份查看：只能看本人参加的检查",
    "read as this agency (division code): its own records":
        "以该机构（区划代码）身份查看：本机构的记录",
    "why the record is read (recorded while the draw is sealed)":
        "查看记录的理由（名单密封期间记录在案）",
    "The unit asks at the visit that an officer recuse (回避); granted, a replacement is drawn.":
        "被检查单位在现场申请某执法人员回避（回避）；批准后抽取替补人员。",
    "the certificate of the officer asked to recuse":
        "被申请回避的执法人员的执法证号",
    "who asked (e.g. 企业负责人)":
        "申请人（例如 企业负责人）",
    "who decided":
        "决定人",
    "the decision":
        "决定",
    "An order to correct verified as done (整改完成); the last one lifts the special supervision.":
        "一项责令改正经核查已完成（整改完成）；最后一项完成后解除特殊监管。",
    "the order's number in the record (0, 1, …)":
        "该项改正在记录中的序号（0、1……）",
    "who verified the rectification":
        "整改的核查人",
    "what shows it (e.g. a photo's SHA-256)":
        "证明材料（例如照片的 SHA-256）",
    "Publication (结果公开): one result, or the whole list once visited.":
        "结果公开：公开一项结果，或在全部检查完毕后公开整份名单。",
    "Publish one result (抽查结果公告): masked, withheld fields shown as 已作区分处理; the record's remarks for the file are never published, its public_remarks once reviewed.":
        "公开一项结果（抽查结果公告）：脱敏，经审查不公开的字段显示为“已作区分处理”；记录中的备注（存档用）从不公开，公开说明（public_remarks）经审查后公开。",
    "who publishes":
        "公开经办人",
    "FIELD:GROUND:CONCLUSION, a field withheld after review (repeat); ground state_secret, commercial_secret or personal_privacy":
        "字段:依据:结论，经审查不公开的字段（可重复）；依据为 state_secret（国家秘密）、commercial_secret（商业秘密）或 personal_privacy（个人隐私）",
    "who reviewed (保密审查): the withheld fields, and the record's public_remarks, which are published only once reviewed":
        "保密审查人：审查不公开的字段和记录的公开说明（public_remarks，审查后才公开）",
    "YYYY-MM-DD, with --reviewer":
        "YYYY-MM-DD，与 --reviewer 同用",
    "The task notice (抽查任务公告): unseal the list once every visit is recorded.":
        "抽查任务公告：全部检查记录填报后解密名单。",
    "who discloses":
        "公开经办人",
    "Publish the year's list of units under random supervision (年度双随机抽查对象名录; seed 001: public by the end of January): every unit in the directory, by name and credit code.":
        "公开本年度双随机抽查对象名录（年度双随机抽查对象名录；种子文件 001：1 月底前公开）：名录中的每个单位，列名称和统一社会信用代码。",
    "the year the list is for, e.g. 2026":
        "名录所属年份，例如 2026",
    "What a citizen may see (一公开): an agency's public pages, a search.":
        "公众可见的信息（一公开）：机构的公开页面、检索。",
    "An agency's public pages: exactly what a citizen may see (masked; nothing sealed).":
        "机构的公开页面：恰好是公众能看到的内容（脱敏，不含任何密封信息）。",
    "e.g. 2026":
        "例如 2026",
    "headings: zh or en":
        "标题语言：zh 或 en",
    "Published results (抽查结果) whose unit name or credit code contains TEXT: every agency, or one, a year, a quarter (read from the public projection, brought up to date first).":
        "名称或统一社会信用代码包含 TEXT 的已公开结果（抽查结果）：全部机构或某一机构、某年、某季度（读公开投影，读前先更新）。",
    "part of a unit's name or credit code ('' for all)":
        "单位名称或统一社会信用代码的一部分（'' 表示全部）",
    "1-4 (with --year)":
        "1—4（与 --year 同用）",
    "one agency's division code":
        "某一机构的区划代码",
    "Read models (投影): run, rebuild, status.":
        "读模型（投影）：运行、重建、状态。",
    "Apply every committed event to every projection, then stop (or, with --follow, keep going until interrupted: Ctrl-C or SIGTERM finish the current batch, then stop).":
        "把每个已提交的事件应用到每个投影后停止（或用 --follow 持续跟随直到被中断：Ctrl-C 或 SIGTERM 会先完成当前批次再停止）。",
    "keep following the log":
        "持续跟随日志",
    "seconds between runs (with --follow)":
        "两次运行之间的秒数（与 --follow 同用）",
    "stop following after this long":
        "跟随这么久后停止",
    "notifications per transaction":
        "每个事务处理的通知数",
    "Drop a projection's tables and tracking position and replay the log from event 0.":
        "删除一个投影的表和跟踪位置，从事件 0 起重放日志。",
    "the projection, e.g. quotas":
        "投影名，例如 quotas",
    "Each projection's tracking position against the log's head.":
        "每个投影的跟踪位置与日志头的对比。",
    "The quota and compliance table (抽查任务完成情况) of an agency, with the roll-up over the agencies below it (prefecture, province).":
        "机构的抽查任务完成情况表，并汇总其所辖机构（市、省）。",
    "The quota and compliance table (抽查任务完成情况) of an agency, with the roll-up over the agencies below it (prefecture, province). Reads the quota projection: run `spotcheck project run` first.":
        "机构的抽查任务完成情况表，并汇总其所辖机构（市、省）。读取任务投影：请先运行 `spotcheck project run`。",
    "YYYY":
        "YYYY",
    "1-4 (default: all)":
        "1—4（默认：全部）",
    "The seeds' quarterly forms (季度汇总表, 重点污染源随机抽查记录表).":
        "种子文件的季度报表（季度汇总表、重点污染源随机抽查记录表）。",
    "附件3 污染源日常环境监管随机抽查季度汇总表: per agency and rolled up, key / general / special: 数量, 抽查数量(家次), 抽查比例.":
        "附件3 污染源日常环境监管随机抽查季度汇总表：按机构并逐级汇总，分重点/一般/特殊监管：数量、抽查数量（家次）、抽查比例。",
    "YYYYQn, e.g. 2026Q1":
        "YYYYQn，例如 2026Q1",
    "FILE.xlsx, FILE.csv or FILE.html":
        "文件名.xlsx、文件名.csv 或 文件名.html",
    "负责人 (default: blank, signed on paper)":
        "负责人（默认：留空，纸面签字）",
    "审核人 (default: blank)":
        "审核人（默认：留空）",
    "填表人 (default: blank)":
        "填表人（默认：留空）",
    "remarks under the table (备注)":
        "表下的备注（备注）",
    "填报日期 YYYY-MM-DD (default: today)":
        "填报日期 YYYY-MM-DD（默认：今天）",
    "附件4 重点污染源随机抽查记录表: one row per key-source inspection record of the quarter.":
        "附件4 重点污染源随机抽查记录表：本季度每份重点污染源检查记录一行。",
    "Work views (工作视图): an agency's due and overdue steps, an officer's load.":
        "工作视图：机构到期和逾期的事项、执法人员的工作量。",
    "An agency's work: each draw's progress, steps done late, results due for publication, steps overdue as of --today (in working days) and orders to correct past their due date.":
        "机构的工作：每次抽查的进度、逾期办理的步骤、待公开的结果、截至 --today 已逾期的步骤（按工作日计）以及已过期限的责令改正。",
    "YYYYQn, e.g. 2026Q1 (default: all)":
        "YYYYQn，例如 2026Q1（默认：全部）",
    "YYYY-MM-DD (default: today)":
        "YYYY-MM-DD（默认：今天）",
    "zh (简体中文, default) or en":
        "zh（简体中文，默认）或 en",
    "The inspections where an officer was present (from the filed records), per quarter, with the load and each one's record and publication status. Tasks before the visit are not here.":
        "某执法人员到场的检查（依据已填报的记录），按季度列出工作量以及每次检查的记录和公开状态。检查前的任务不在此列。",
    "YYYY (default: all years)":
        "YYYY（默认：全部年份）",
    "Run the HTTP service (OpenAPI at /openapi.json, interactive docs at /docs).":
        "运行 HTTP 服务（OpenAPI 在 /openapi.json，交互式文档在 /docs）。",
    "the address to listen on (loopback by default; put a TLS-terminating proxy in front for other machines)":
        "监听地址（默认仅本机回环；供其他机器访问时请在前面放置终止 TLS 的代理）",
    "the port":
        "端口",
    "worker processes (on PostgreSQL: several; on SQLite one or two)":
        "工作进程数（PostgreSQL：可多个；SQLite：一到两个）",
    "integrate the log and update the read models after each write in the request (default: on SQLite yes, on PostgreSQL no: run `spotcheck log follow` and `spotcheck project run --follow` beside the service)":
        "每次写入后在请求内并入日志并更新读模型（默认：SQLite 是，PostgreSQL 否：请在服务旁运行 `spotcheck log follow` 和 `spotcheck project run --follow`）",
    "one JSON line per request on standard error":
        "每个请求在标准错误输出一行 JSON",
    "The service's accounts (账号): operators, officers, witnesses, auditors.":
        "服务的账号（账号）：经办人、执法人员、见证人、审核人。",
    "Add an account; its scope is checked against the ledger. Then `users token` issues its token.":
        "新增账号；其范围会与账本核对。然后用 `users token` 签发令牌。",
    "the login name, e.g. zhangsan (never reused)":
        "登录名，例如 zhangsan（不可重复使用）",
    "the person's name, e.g. 张三":
        "姓名，例如 张三",
    "operator, officer, witness or auditor":
        "operator（经办人）、officer（执法人员）、witness（见证人）或 auditor（审核人）",
    "operator, auditor: the agency's division code":
        "operator、auditor：机构的区划代码",
    "officer: the certificate number (执法证号)":
        "officer：执法证号",
    "witness: the draw, e.g. 652301-2026Q1-units":
        "witness：抽查编号，例如 652301-2026Q1-units",
    "witness: the source's number in the draw's entropy plan (1, 2, …)":
        "witness：该熵源在抽查熵源计划中的序号（1、2……）",
    "Every account, with its role, scope, state and tokens.":
        "全部账号，含角色、范围、状态和令牌。",
    "Disable an account for good: its tokens and sessions stop working at once.":
        "永久停用账号：其令牌和会话立即失效。",
    "the account":
        "账号",
    "why (kept with the account)":
        "理由（随账号保存）",
    "Issue a bearer token (printed once; only its hash is kept), or revoke one with --revoke ID.":
        "签发一个持有者令牌（只打印一次，只保存其哈希），或用 --revoke ID 吊销一个。",
    "what the token is for, e.g. 办公室电脑":
        "令牌的用途，例如 办公室电脑",
    "days until it expires (default: never; revoke it instead)":
        "有效天数（默认：永久；不用时请吊销）",
    "revoke this token id instead of issuing one":
        "吊销这个令牌 ID，而不是签发新令牌",
    "Show this message and exit.": "显示本帮助并退出。",
    "Create this deployment's witness (cosigner) key: witness/witness.key (mode 600) and witness/witness.vkey (give it to the logs you witness). Prints the verifier key.":
        "创建本部署的见证（联署）密钥：witness/witness.key（权限 600）和 witness/witness.vkey（交给被见证的日志方）。打印验证公钥。",
    "FILE.xlsx (a form to print or fill in) or FILE.json; default <unit>-现场检查记录.xlsx":
        "FILE.xlsx（可打印或填写的表格）或 FILE.json；默认 <单位>-现场检查记录.xlsx",
    "FILE.xlsx to write":
        "要写出的 FILE.xlsx 文件",
    "Import a CSV or .xlsx directory file: all rows or none; every bad cell of every row is listed. Title rows above the header and a 序号 column are fine.":
        "导入 CSV 或 .xlsx 名录文件：要么全部导入，要么一行都不导入；列出每一行的每个错误单元格。表头上方的标题行和“序号”列均可保留。",
    "Import a CSV or .xlsx inspector file: all rows or none; every bad cell of every row is listed.":
        "导入 CSV 或 .xlsx 执法人员文件：要么全部导入，要么一行都不导入；列出每一行的每个错误单元格。",
    "Print a stored signed checkpoint as issued, with the witnesses' cosignatures.":
        "按签发原样打印已保存的签名检查点，附见证人的联署。",
    "Show each log's size, root, origin and latest checkpoint, how far behind each of its witnesses is, and the sequencer's position.":
        "显示每个日志的大小、根哈希、来源标识和最新检查点，每个见证人落后多少，以及排序器的位置。",
    "Stop submitting a log's checkpoints to a witness (its cosignatures so far are kept).":
        "不再向某见证人提交日志的检查点（已取得的联署保留）。",
    "Submit each new checkpoint of a log to a witness (the level above, or a peer) and keep its cosignatures; the served checkpoint carries them.":
        "把日志的每个新检查点提交给见证人（上级，或同级机构）并保存其联署；对外提供的检查点附带这些联署。",
    "Submit every log's latest checkpoint to each witness that has not cosigned it, now (no back-off), and show how far behind each witness is.":
        "立即（不等待重试间隔）把每个日志的最新检查点提交给尚未联署的见证人，并显示每个见证人落后多少。",
    "The logs witnessed here: the size last cosigned and when, and the refusals kept as evidence (a rolled-back or forked log).":
        "本处见证的日志：最近一次联署的大小和时间，以及作为证据保存的拒绝记录（日志回滚或分叉）。",
    "The proof of one declared conflict of a draw for a reviewer (回避证明): its salt, which `spotcheck-verify conflict-proof BUNDLE PROOF` checks against the commitments the run recorded, without showing the draw's other conflicts. Giving it out is recorded.":
        "向复核人员出具某次抽取中一项已申报利害关系的证明（回避证明）：该项的盐值，`spotcheck-verify conflict-proof 核验包 证明` 据此与抽取运行时记录的承诺值核对，不显示该次抽取的其他利害关系。出具行为会被记录。",
    "This deployment as the witness (见证方) of the logs below it: key, logs, status.":
        "本部署作为下级日志的见证方：密钥、日志、状态。",
    "Witness a log: cosign its checkpoints, each only if it extends the last one cosigned.":
        "见证一个日志：联署其检查点，每个检查点须是上次联署的延续才联署。",
    "Write a blank directory file to fill in: headers, an example row, drop-down lists.":
        "写出待填写的空白名录文件：表头、一行示例、下拉列表。",
    "Write a blank inspector file to fill in: headers, an example row, drop-down lists.":
        "写出待填写的空白执法人员文件：表头、一行示例、下拉列表。",
    "Write a log as a C2SP tiled log (checkpoint, tile/…, tile/entries/…) to a directory, for any web server to serve as the log's prefix (reads only; changes nothing).":
        "把日志按 C2SP 分片日志格式（checkpoint、tile/…、tile/entries/…）写到一个目录，任何网站服务器都可作为该日志的前缀对外提供（只读，不改动任何内容）。",
    "Write every checkpoint cosigned here (OUT/<division code or origin>/<size>.note, with the log's signature and this witness's cosignature) and every refusal kept (refused-<n>.txt, the whole request): what `spotcheck-verify audit BUNDLE… --received OUT/*/*.note` checks the counties' bundles against.":
        "写出本处联署过的每个检查点（OUT/<区划代码或来源标识>/<大小>.note，含日志签名和本见证人的联署）以及保存的每条拒绝记录（refused-<n>.txt，完整请求）：`spotcheck-verify audit 核验包… --received OUT/*/*.note` 据此核对各县的核验包。",
    "Write the receipt (C2SP tlog-proof@v1) of one event of a log, with its body: the index, the inclusion proof and the signed checkpoint with the witnesses' cosignatures.":
        "写出日志中某一事件的回执（C2SP tlog-proof@v1），含事件正文：序号、包含证明，以及附见证人联署的签名检查点。",
    "Write the record form of one visit, prefilled: the unit, the team, the rulebook's items.":
        "写出某次检查的记录表，已预先填好：被检查单位、检查组、规则手册的检查事项。",
    "Write the self-contained audit bundle of one log (reads only; changes nothing); with --public, the public bundle anyone may hold; with --all-logs, every log's.":
        "写出某一日志的完整审计包（只读，不改动任何内容）；加 --public 则写出任何人都可持有的公开核验包；加 --all-logs 则写出每个日志的审计包。",
    "with --all-logs: processes (default: 2 where two CPUs are free; a large export gives whole logs to the second)":
        "与 --all-logs 同用：进程数（默认：有两个空闲 CPU 时为 2；大批导出时把部分日志整份交给第二个进程）",
    "the audit bundle of every log, each to OUT/<log>, all from one consistent view (for the level above: `spotcheck-verify audit OUT/*`)":
        "每个日志的审计包，各写入 OUT/<日志>，全部取自同一时刻的一致视图（供上级部门使用：`spotcheck-verify audit OUT/*`）",
    "a row registered already with other values keeps the ledger's values (e.g. a unit since put under special supervision) instead of refusing the file":
        "已登记但数值不同的行保留账本中的值（例如此后已列为特殊监管对象的单位），而不是拒绝整个文件",
    "as JSON":
        "以 JSON 格式",
    "how many of the latest refusals to show":
        "显示最近多少条拒绝记录",
    "one log's origin (default: every log)":
        "某一日志的来源标识（默认：全部日志）",
    "the .tlog-proof file to write":
        "要写出的 .tlog-proof 文件",
    "the certificate of an officer of the team":
        "检查组中一名执法人员的执法证号",
    "the corrected record (.xlsx form or JSON)":
        "更正后的检查记录（.xlsx 表格或 JSON）",
    "the directory to write (created if missing)":
        "要写出的目录（不存在则创建）",
    "the event's index in the log":
        "事件在日志中的序号",
    "the log's verifier key (a file, e.g. log.vkey, or the key text); its name is the log's origin":
        "日志的验证公钥（文件，如 log.vkey，或公钥文本）；公钥名称即日志的来源标识",
    "the officer's certificate number (inspector_id)":
        "执法人员的执法证号（inspector_id）",
    "the order's number in the record (1, 2, …, as `record show` lists them)":
        "责令改正事项在记录中的序号（1、2……，与 `record show` 列出的一致）",
    "the public bundle: every entry and checkpoint, the bodies of the events the rules make public only, no personal data (公开核验包)":
        "公开核验包：全部日志条目和检查点，只含规则要求公开的事件正文，不含个人信息",
    "the record: the form of `record template` filled in (.xlsx), or JSON":
        "检查记录：填好的 `record template` 表格（.xlsx），或 JSON",
    "the unit's credit code (unit_id)":
        "被检查单位的统一社会信用代码（unit_id）",
    "the witness's cosigner verifier key (a file such as witness.vkey, or the key text)":
        "见证人的联署验证公钥（文件，如 witness.vkey，或公钥文本）",
    "the witness's name, e.g. 652300.spotcheck.gov.cn/witness":
        "见证人名称，例如 652300.spotcheck.gov.cn/witness",
    "the witness's submission prefix, e.g. https://prefecture.example/witness, or `local` (the witness of this deployment)":
        "见证人的提交地址前缀，例如 https://prefecture.example/witness，或 `local`（本部署自身的见证方）",
    "who gives the proof, to whom (recorded)":
        "谁向谁出具证明（会被记录）",
    "who the log is, for people":
        "日志属于谁（给人看的名称）",
    "why the form is read (recorded while the draw is sealed)":
        "查阅记录表的理由（抽取密封期间会被记录）",
    "write the proof here (default: print it)":
        "证明写到这里（默认：打印出来）",
}
