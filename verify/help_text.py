"""``spotcheck-verify``'s help and usage errors in Chinese (the verifier's own catalog: it stays
standalone). :class:`verify.cli._Parser` applies it when the language is Chinese — ``--lang zh``
on the line, else ``SPOTCHECK_LANG``, else the default, Chinese. The keys are the English texts of
``verify/cli.py`` with their whitespace collapsed; ``tests/test_language.py`` checks that each has
its Chinese."""

from __future__ import annotations

import re

HELP_ZH: dict[str, str] = {
    "Verify a Spotcheck audit bundle offline: every event hash, every chain link, the Merkle root "
    "against each signed checkpoint, and that the log only grew since a checkpoint you kept.":
        "离线核验 Spotcheck 审计包：每个事件哈希、每个链接、每个签名检查点对应的 Merkle 根，以及日志自你"
        "保存的检查点以来只增不改。",
    "Other commands (each with --help): `spotcheck-verify audit DIR [DIR ...]` (the level above's "
    "audit of several bundles and the checkpoints it received), `spotcheck-verify cosign NOTE --key "
    "FILE` (countersign a checkpoint), `spotcheck-verify cosigner-key NAME --out DIR` (create a "
    "cosigner key pair), `spotcheck-verify receipt FILE --key LOG.vkey` (check an event's receipt, "
    "a C2SP tlog-proof), `spotcheck-verify conflict-proof DIR PROOF` (check one declared conflict "
    "the agency proves to you).":
        "其他命令（均可用 --help）：`spotcheck-verify audit DIR [DIR ...]`（上级对多个审计包及其收到的"
        "检查点的审计）、`spotcheck-verify cosign NOTE --key FILE`（见证签名一个检查点）、"
        "`spotcheck-verify cosigner-key NAME --out DIR`（创建见证签名密钥对）、"
        "`spotcheck-verify receipt FILE --key LOG.vkey`（核验某一事件的回执，即 C2SP tlog-proof）、"
        "`spotcheck-verify conflict-proof DIR PROOF`（核验机构向你证明的一项已申报利害关系）。",
    "the language of the summary, the HTML report and of what a public bundle leaves unchecked: zh "
    "(Chinese, the default) or en; default also from SPOTCHECK_LANG":
        "摘要、HTML 报告以及公开核验包未能核验事项说明的语言：zh（中文，默认）或 en（英文）；默认值也可由 "
        "SPOTCHECK_LANG 设置",
    "a witness's cosigner key (the level above): its cosignatures of the bundle's checkpoints date "
    "the later entries by its clock, so a step back-dated by the agency's clock is caught (repeat "
    "for several)":
        "见证人（上级）的联署公钥：以它对审计包检查点的联署时间为后续条目定时，从而发现按本机构时钟"
        "倒签日期的步骤（可重复给出多个）",
    "the directory written by `spotcheck export`": "`spotcheck export` 写出的目录",
    "zh (default) or en": "zh（中文，默认）或 en（英文）",
    "Check an event's receipt (回执, a C2SP tlog-proof@v1 .tlog-proof file) offline: the event is in "
    "the log whose key signed the checkpoint, at the index it names; the event body it carries (if "
    "any) is the one logged; the witnesses' cosignatures hold.":
        "离线核验一个事件的回执（C2SP tlog-proof@v1 格式的 .tlog-proof 文件）：该事件在签署检查点的"
        "日志中、位于回执所说的序号；回执所附的事件内容（如有）就是记入日志的那一个；见证方的联署成立。",
    "the .tlog-proof file": ".tlog-proof 回执文件",
    "Check one declared conflict of a draw (回避证明) that the agency gave you (`spotcheck draw "
    "conflict-proof`): the bundle (public or audit) is verified, then the proof's salted commitment "
    "must be among those the draw's run recorded in the log. The draw's other conflicts stay unseen. "
    "Exit 0: proven; 1: not proven, or the bundle has findings, or the officer is on the unit's team "
    "all the same.":
        "核验机构交给你的一项抽查回避证明（`spotcheck draw conflict-proof` 生成）：先核验核验包"
        "（公开包或审计包），再核对证明中加盐的承诺是否在该次抽取记入日志的承诺之中。该次抽查的其他"
        "利害关系不会显示。退出码 0：已证明；1：未证明，或核验包有问题，或该执法人员仍在该单位的检查组中。",
    "a bundle written by `spotcheck export`": "`spotcheck export` 写出的核验包",
    "the proof (JSON) the agency gave": "机构提供的证明（JSON）",
    "the log's verifier key(s), obtained independently of the receipt":
        "日志的核验公钥（须独立于回执另行取得）",
    "a witness's cosigner verifier key (repeat for several)": "见证方的联署公钥（可重复给出多个）",
    "how many of the given witnesses must have cosigned (default: all)":
        "所给见证方中至少须有几个联署（默认：全部）",
    "the log origin the checkpoint must name": "检查点须写明的日志名",
    "also write what was proved as JSON": "另将核验结果写成 JSON 文件",
    "a signed checkpoint you saved earlier: the log must extend it":
        "你此前保存的签名检查点：日志必须在它之上延伸",
    "the log's verifier key obtained independently (default: the bundle's)":
        "另行取得的日志核验公钥（默认：审计包自带的）",
    "also write the report as JSON (with tasks, officers, agency, summary)":
        "同时把报告写成 JSON（含任务、执法人员、机构和摘要）",
    "also write the report as a self-contained HTML page for people":
        "同时把报告写成一个独立的 HTML 页面，供人阅读",
    "the language of the summary and the HTML report: zh (Chinese, the default) or en; default also "
    "from SPOTCHECK_LANG":
        "摘要和 HTML 报告的语言：zh（中文，默认）或 en（英文）；默认值也可由 SPOTCHECK_LANG 设置",
    "no progress on standard error": "不在标准错误输出进度",
    "how many processes check the lines of events.jsonl: 1, this one alone; default 2 for a "
    "bundle of 8 MiB or more when two CPUs are available, else 1 (the report is the same whatever "
    "the number)":
        "核验 events.jsonl 各行所用的进程数：1 即只用本进程；默认在 events.jsonl 达 8 MiB 且有两个"
        "及以上 CPU 可用时为 2，否则为 1（进程数不影响核验报告）",
    "how many processes verify the bundles, each taking the next bundle, largest first: 1, this "
    "one alone; default 2 for 8 MiB of events or more when two CPUs are available, else 1 (the "
    "reports are the same whatever the number)":
        "核验各审计包所用的进程数，每个进程依次领取下一个审计包（从最大的开始）：1 即只用本进程；默认在"
        "事件合计达 8 MiB 且有两个及以上 CPU 可用时为 2，否则为 1（进程数不影响核验报告）",
    "The level above's audit: verify several agencies' bundles in full, and that every checkpoint "
    "you received from them is signed by its log and is a prefix of the history its bundle publishes "
    "now (no agency showed you one history and the public another). Cosignatures by the given "
    "cosigner keys are verified.":
        "上级审计：完整核验多个机构的审计包，并核对你从它们收到的每个检查点都由其日志签名、且是其审计包"
        "现在公布的历史的前缀（没有机构给你看一套历史、给公众看另一套）。同时核验给定见证签名公钥的见证签名。",
    "bundle directories written by `spotcheck export`": "`spotcheck export` 写出的审计包目录",
    "checkpoint notes you received earlier (any of the logs)": "你此前收到的检查点（任一日志的）",
    "a log's verifier key obtained independently; it applies to the bundle whose origin is the key's "
    "name (default: each bundle's own key)":
        "另行取得的日志核验公钥；用于来源名与公钥名称相同的审计包（默认：各审计包自带的公钥）",
    "cosigner verifier keys (type 0x04) whose cosignatures on received checkpoints must verify":
        "见证签名核验公钥（类型 0x04）：收到的检查点上由它们所作的见证签名必须核验通过",
    "also write the report as JSON": "同时把报告写成 JSON",
    "the summary's language: zh (Chinese, the default) or en; default also from SPOTCHECK_LANG":
        "摘要的语言：zh（中文，默认）或 en（英文）；默认值也可由 SPOTCHECK_LANG 设置",
    "Countersign a checkpoint you verified with your cosigner key (C2SP tlog-cosignature/v1) and "
    "print the cosigned note. Audit the log first.":
        "用你的见证签名密钥为一个已核验的检查点作见证签名（C2SP tlog-cosignature/v1），并打印签名后的"
        "注记。请先审计该日志。",
    "the signed checkpoint note": "签名检查点注记",
    "your cosigner private key (PRIVATE+KEY+<name>+<id>+<0x04 key>)":
        "你的见证签名私钥（PRIVATE+KEY+<名称>+<编号>+<0x04 密钥>）",
    "the cosignature's timestamp in POSIX seconds (default: now)": "见证签名的时间戳，POSIX 秒（默认：现在）",
    "the log's verifier key: refuse to cosign unless the log signed the note":
        "日志的核验公钥：注记不是由该日志签名的就拒绝见证签名",
    "Create a cosigner key pair: DIR/cosigner.key (private, mode 0600) and DIR/cosigner.vkey (the "
    "verifier key to publish). Prints the verifier key.":
        "创建见证签名密钥对：DIR/cosigner.key（私钥，权限 0600）和 DIR/cosigner.vkey（要公布的核验"
        "公钥），并打印核验公钥。",
    "the cosigner's name, e.g. 652300.example/witness": "见证签名者名称，例如 652300.example/witness",
    "directory for the key files (created if missing)": "存放密钥文件的目录（不存在则创建）",
    "show this help message and exit": "显示本帮助并退出",
}
HEADINGS_ZH = {"options": "选项", "positional arguments": "参数"}

_USAGE_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), zh) for pattern, zh in (
        (r"^the following arguments are required: (?P<a>.+)$", r"缺少必需的参数：\g<a>"),
        (r"^unrecognized arguments: (?P<a>.+)$", r"无法识别的参数：\g<a>"),
        (r"^argument (?P<a>\S+): invalid choice: (?P<v>.+?) \(choose from (?P<c>.+)\)$",
         r"参数 \g<a> 的值 \g<v> 无效（可选：\g<c>）"),
        (r"^argument (?P<a>\S+): expected one argument$", r"参数 \g<a> 需要一个值"),
        (r"^argument (?P<a>\S+): invalid (?P<t>\w+) value: (?P<v>.+)$", r"参数 \g<a> 的值 \g<v> 无效"),
    ))


Patterns = tuple[tuple[re.Pattern[str], str], ...]


def translated(patterns: Patterns, message: str) -> str:
    """``message`` through the first of ``patterns`` (a regex and its Chinese template) that
    matches it; unchanged when none does."""
    for pattern, zh in patterns:
        found = pattern.match(message)
        if found is not None:
            return found.expand(zh)
    return message


_ERRORS_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), zh) for pattern, zh in (
        (r"^(?P<p>.+): no such bundle directory$", r"\g<p>：没有这个审计包目录，请检查路径"),
        (r"^(?P<p>.+): not a bundle \(events\.jsonl is missing\)$",
         r"\g<p>：不是审计包（缺少 events.jsonl），请给出 `spotcheck export` 写出的目录"),
        (r"^(?P<p>.+): no such file$", r"\g<p>：没有这个文件，请检查路径"),
        (r"^(?P<p>.+): cannot be read: (?P<e>.+)$", r"\g<p>：无法读取（\g<e>）"),
        (r"^(?P<p>.+): cannot be written: (?P<e>.+)$", r"\g<p>：无法写入（\g<e>）"),
        (r"^(?P<p>.+): no verifier key in the file$", r"\g<p>：文件中没有核验公钥"),
        (r"^(?P<p>.+): no cosigner key in the file$", r"\g<p>：文件中没有见证签名公钥"),
        (r"^(?P<p>.+): larger than (?P<n>\d+) bytes; not read$", r"\g<p>：超过 \g<n> 字节，未读取"),
        (r"^(?P<p>.+): not a regular file.*; not read$", r"\g<p>：不是普通文件，未读取"),
        (r"^(?P<p>.+): already holds a cosigner key; not overwritten$",
         r"\g<p>：已有见证签名密钥，未覆盖"),
        (r"^(?P<p>.+): not a directory$", r"\g<p>：不是目录，请给出 `spotcheck export` 写出的目录"),
        (r"^(?P<p>.+): larger than (?P<n>\d+) bytes$", r"\g<p>：超过 \g<n> 字节，未读取"),
        (r"^(?P<p>.+): a link to (?P<t>.+), outside the bundle; not followed$",
         r"\g<p>：是指向审计包之外（\g<t>）的链接，未读取"),
        (r"^(?P<p>.+): readable or writable by others \(mode (?P<m>\w+)\); a private key must be mode "
         r"600: chmod 600 (?P<q>.+)$",
         r"\g<p>：其他用户可以读写（权限 \g<m>）；私钥文件的权限须为 600：请运行 chmod 600 \g<q>"),
        (r"^(?P<p>.+): a second bundle of log (?P<l>\S+) \(the first is (?P<f>.+)\)$",
         r"\g<p>：是日志 \g<l> 的第二个审计包（第一个是 \g<f>），每个日志只给一个"),
        (r"^--key (?P<k>.+): its key name \((?P<n>.+)\) is the origin of none of the bundles$",
         r"--key \g<k>：其密钥名（\g<n>）不是任何一个审计包的日志名"),
        (r"^--key (?P<k>.+): its key name \((?P<n>.+)\) is the origin of more than one of the "
         r"bundles$",
         r"--key \g<k>：其密钥名（\g<n>）是多个审计包的日志名"),
        (r"^--key (?P<k>.+): a second key for log (?P<l>\S+)$", r"--key \g<k>：日志 \g<l> 的第二把公钥"),
        (r"^--time (?P<t>\S+): not in 0\.\.2\*\*63-1$", r"--time \g<t>：不在 0 至 2**63-1 之间"),
        (r"^--witness-key (?P<k>.+?): (?P<e>.+)$", r"--witness-key \g<k>：见证方公钥无效（\g<e>）"),
    ))


def error_zh(message: str) -> str:
    """A usage error of the verifier's (a missing directory, an unreadable key) in Chinese."""
    return translated(_ERRORS_ZH, message)


_RECEIPT_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), zh) for pattern, zh in (
        (r"^checkpoint: origin (?P<o>\S+), not (?P<w>\S+)$", r"检查点的日志名是 \g<o>，不是 \g<w>"),
        (r"^checkpoint: (?P<e>.+)$", r"检查点无效：\g<e>"),
        (r"^cosignatures: (?P<e>.+)$", r"联署无效：\g<e>"),
        (r"^index (?P<i>\d+) is not below the checkpoint's size (?P<n>\d+)$",
         r"序号 \g<i> 不小于检查点大小 \g<n>"),
        (r"^inclusion proof: (?P<e>.+?): event (?P<h>\S+) is not at index (?P<i>\d+).*$",
         r"包含证明不成立（\g<e>）：事件 \g<h> 不在第 \g<i> 条"),
        (r"^no extra line: .*$", r"回执没有说明它证明的是哪个事件（缺少 extra 行）"),
        (r"^no empty line between the proof and the checkpoint$", r"证明与检查点之间缺少空行"),
        (r"^line 1 is (?P<l>.+), not (?P<h>.+)$", r"第 1 行是 \g<l>，不是 \g<h>：这不是 tlog-proof 回执"),
        (r"^extra: the event hashes to (?P<r>\S+), not to the event hash.*$",
         r"回执所附事件的哈希是 \g<r>，与回执声明的事件哈希不符"),
        (r"^extra: (?P<e>.+)$", r"回执的 extra 行无效：\g<e>"),
        (r"^the note is already cosigned by (?P<n>\S+)$", r"该检查点已由 \g<n> 联署过"),
        (r"^cannot cosign: (?P<e>.+)$", r"无法联署：\g<e>"),
        (r"^(?P<e>.*signature.*)$", r"签名无效：\g<e>"),
    ))


def receipt_error_zh(message: str) -> str:
    """Why a receipt (or a note to cosign) is refused, in Chinese where a pattern knows it."""
    return translated(_RECEIPT_ZH, message)


def width(text: str) -> int:
    """Display width: a Chinese character takes two columns."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, columns: int) -> list[str]:
    """``text`` wrapped to ``columns`` display columns: between two Chinese characters or at a
    space, never inside an English word."""
    import unicodedata

    def wide(c: str) -> bool:
        return unicodedata.east_asian_width(c) in "WF"

    tokens: list[tuple[str, bool]] = []  # (token, a space before it)
    word, space = "", False
    for char in " ".join(text.split()):
        if char == " ":
            if word:
                tokens.append((word, space))
            word, space = "", True
            continue
        if word and (wide(char) or wide(word[-1])) and char not in "，。、；：）」”":
            tokens.append((word, space))
            word, space = "", False
        word += char
    if word:
        tokens.append((word, space))
    lines, line = [], ""
    for token, spaced in tokens:
        joined = f"{line} {token}" if line and spaced else line + token
        if line and width(joined) > columns:
            lines.append(line)
            line = token
        else:
            line = joined
    return [*lines, line] if line else lines


def help_zh(text: str | None) -> str | None:
    """A help text in Chinese (unchanged when the catalog has none)."""
    if not text:
        return text
    return HELP_ZH.get(" ".join(text.split()), text)


def usage_error_zh(message: str) -> str:
    """argparse's usage error in Chinese (unchanged when no pattern knows it)."""
    return translated(_USAGE_ZH, message)
