"""``spotcheck-verify``: the auditors' offline verifier (离线核验工具).

    spotcheck-verify DIR [--trusted-checkpoint FILE] [--key FILE] [--json FILE] [--report FILE.html]
                     [--lang zh|en] [--quiet] [--witness-key W.vkey ...]
    spotcheck-verify audit DIR [DIR ...] [--received NOTE ...] [--key FILE ...]
                     [--cosigner-key FILE ...] [--json FILE]
    spotcheck-verify cosign NOTE --key PRIVATE_KEY_FILE [--time UNIX] [--log-key FILE]
    spotcheck-verify cosigner-key NAME --out DIR
    spotcheck-verify conflict-proof DIR PROOF [--key FILE] [--lang zh|en]
    spotcheck-verify receipt FILE --key LOG.vkey [--witness-key W.vkey ...] [--min-witnesses N]

The first form checks one bundle; ``--json`` and ``--report`` also write the accountability
report (:mod:`verify.report`: per task, officer and agency, each step with its status, log index,
entry and inclusion proof), as JSON and as a self-contained HTML page (Chinese, or ``--lang en``).
``audit`` is the level above's audit of several agencies'
bundles against the checkpoints it received (:mod:`verify.audit`); ``cosign`` countersigns a
checkpoint with the level above's cosigner key (C2SP tlog-cosignature, :mod:`verify.cosignature`)
and prints the cosigned note; ``cosigner-key`` creates that key pair. (A bundle directory that is
literally named ``audit``, ``cosign`` or ``cosigner-key`` is verified as ``./audit`` etc.)

Exit status: 0 when everything holds; 1 when anything does not (each finding is listed with its
log index, file and line); 2 on a usage error (missing directory, unreadable file), with one line
on standard error and never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from verify.audit import AuditReport, audit
from verify.bundle import Bundle, BundleError, load_trusted, read_keys, read_manifest, read_small_text
from verify.canonical import CanonicalError, loads_strict
from verify.checkpoint import CheckpointError, open_checkpoint
from verify.conflict_commitments import ConflictCommitmentError, ConflictProof
from verify.cosignature import (
    MAX_TIMESTAMP,
    CosignatureError,
    CosignerSigner,
    CosignerVerifier,
    cosign,
    generate_cosigner,
)
from verify.finding_text import key_source_zh, message_zh, rule_name, where_zh
from verify.findings import Finding, Report, not_checked
from verify.help_text import (
    HEADINGS_ZH,
    error_zh,
    help_zh,
    receipt_error_zh,
    usage_error_zh,
    wrap,
)
from verify.ledger_check import verify_bundle, verify_bundle_with_evidence
from verify.note import NoteError, NoteVerifier
from verify.report import build_report
from verify.report_html import LANGS, render_html

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (exit 2), help and errors in Chinese unless English
    is asked for (``--lang en`` on the line, or ``SPOTCHECK_LANG=en``): :mod:`verify.help_text`."""

    lang = "zh"

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        given = list(sys.argv[1:] if args is None else args)
        self.lang = _lang_on(given)
        return super().parse_args(given, namespace)

    def error(self, message: str) -> None:  # type: ignore[override]
        if self.lang == "zh":
            self.exit(EXIT_USAGE, f"spotcheck-verify: {usage_error_zh(message)}（见 --help）\n")
        self.exit(EXIT_USAGE, f"spotcheck-verify: {message} (see --help)\n")

    def format_help(self) -> str:
        if self.lang == "zh":
            self._in_chinese()
        return super().format_help()

    def format_usage(self) -> str:
        if self.lang == "zh":
            self._in_chinese()
        return super().format_usage()

    def _get_formatter(self) -> argparse.HelpFormatter:
        if self.lang != "zh":
            return super()._get_formatter()
        return _ChineseFormatter(prog=self.prog)

    def _in_chinese(self) -> None:
        self.description = help_zh(self.description)
        self.epilog = help_zh(self.epilog)
        for action in self._actions:
            action.help = help_zh(action.help)
        for group in self._action_groups:
            group.title = HEADINGS_ZH.get(group.title or "", group.title)


class _ChineseFormatter(argparse.HelpFormatter):
    """argparse's layout with 用法, wrapped by display width (a Chinese character: 2 columns)."""

    def add_usage(self, usage: str | None, actions: Any, groups: Any,
                  prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))


def _said(message: str, argv: Sequence[str]) -> str:
    """A usage error in the language of the line (:func:`_lang_on`)."""
    return error_zh(message) if _lang_on(argv) == "zh" else message


def _lang_on(args: Sequence[str]) -> str:
    """The language ``--lang`` names in ``args``, else :func:`default_lang`."""
    for index, arg in enumerate(args):
        if arg == "--lang" and index + 1 < len(args) and args[index + 1] in LANGS:
            return args[index + 1]
        if arg.startswith("--lang=") and arg.partition("=")[2] in LANGS:
            return arg.partition("=")[2]
    return default_lang()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="spotcheck-verify",
        description="Verify a Spotcheck audit bundle offline: every event hash, every chain "
        "link, the Merkle root against each signed checkpoint, and that the log only grew since "
        "a checkpoint you kept.",
        epilog="Other commands (each with --help): `spotcheck-verify audit DIR [DIR ...]` (the "
        "level above's audit of several bundles and the checkpoints it received), `spotcheck-verify "
        "cosign NOTE --key FILE` (countersign a checkpoint), `spotcheck-verify cosigner-key NAME "
        "--out DIR` (create a cosigner key pair), `spotcheck-verify receipt FILE --key LOG.vkey` "
        "(check an event's receipt, a C2SP tlog-proof), `spotcheck-verify conflict-proof DIR "
        "PROOF` (check one declared conflict the agency proves to you).",
    )
    parser.add_argument("bundle", type=Path, help="the directory written by `spotcheck export`")
    parser.add_argument("--trusted-checkpoint", type=Path, metavar="FILE",
                        help="a signed checkpoint you saved earlier: the log must extend it")
    parser.add_argument("--key", type=Path, metavar="FILE",
                        help="the log's verifier key obtained independently (default: the bundle's)")
    parser.add_argument("--json", type=Path, metavar="FILE",
                        help="also write the report as JSON (with tasks, officers, agency, summary)")
    parser.add_argument("--report", type=Path, metavar="FILE.html",
                        help="also write the report as a self-contained HTML page for people")
    parser.add_argument("--lang", choices=LANGS, default=default_lang(),
                        help="the language of the summary, the HTML report and of what a public "
                        "bundle leaves unchecked: zh (Chinese, the default) or en; default also "
                        "from SPOTCHECK_LANG")
    parser.add_argument("--quiet", action="store_true", help="no progress on standard error")
    parser.add_argument("--jobs", type=positive_int, metavar="N", default=None,
                        help="how many processes check the lines of events.jsonl: 1, this one "
                        "alone; default 2 for a bundle of 8 MiB or more when two CPUs are "
                        "available, else 1 (the report is the same whatever the number)")
    parser.add_argument("--witness-key", type=Path, metavar="W.vkey", action="append", default=[],
                        help="a witness's cosigner key (the level above): its cosignatures of the "
                        "bundle's checkpoints date the later entries by its clock, so a step "
                        "back-dated by the agency's clock is caught (repeat for several)")
    return parser


def positive_int(text: str) -> int:
    """A whole number of 1 or more (argparse names the option in its error)."""
    number = int(text)
    if number < 1:
        raise ValueError(text)
    return number


COMMANDS = ("audit", "cosign", "cosigner-key", "receipt", "conflict-proof")


def run(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        command, rest = argv[0], argv[1:]
        if command == "audit":
            return run_audit(rest)
        if command == "cosign":
            return run_cosign(rest)
        if command == "receipt":
            return run_receipt(rest)
        if command == "conflict-proof":
            return run_conflict_proof(rest)
        return run_cosigner_key(rest)
    args = build_parser().parse_args(argv)
    try:
        bundle = Bundle.open(args.bundle, args.key)
        trusted = None
        problem = ""
        if args.trusted_checkpoint is not None:
            trusted, problem = load_trusted(args.trusted_checkpoint,
                                            bundle.verifiers + bundle.handed_over)
        progress = None if args.quiet else _progress
        wanted = args.json is not None or args.report is not None
        witnesses = _witness_keys(args.witness_key)
        evidence = None
        if wanted:
            report, evidence = verify_bundle_with_evidence(bundle, trusted, progress,
                                                           witnesses=witnesses, jobs=args.jobs)
        else:
            report = verify_bundle(bundle, trusted, progress, witnesses=witnesses, jobs=args.jobs)
        if problem:
            report.findings.insert(0, Finding(
                "trusted-checkpoint", f"the trusted checkpoint does not verify with this log's "
                f"key ({problem}): the log's key or identity changed", None,
                str(args.trusted_checkpoint)))
        if trusted is not None:
            report.trusted_size = trusted.checkpoint.size
        if evidence is not None:
            accountability = build_report(report, evidence)
            if args.json is not None:
                _write_text(args.json, json.dumps(accountability.as_dict(), ensure_ascii=False,
                                                  indent=2) + "\n", "--json")
            if args.report is not None:
                _write_text(args.report, render_html(accountability, args.lang), "--report")
    except BundleError as exc:
        print(f"spotcheck-verify: {_said(str(exc), argv)}", file=sys.stderr)
        return EXIT_USAGE
    print(render_text(report, args.lang))
    return EXIT_OK if report.ok else EXIT_FINDINGS


def default_lang() -> str:
    """``SPOTCHECK_LANG`` (zh, zh-CN, en, en-US …) when it names one of ours, else Chinese."""
    tag = os.environ.get("SPOTCHECK_LANG", "").strip().lower()
    return "en" if tag == "en" or tag.startswith(("en-", "en_")) else "zh"


def render_text(report: Report, lang: str = "en") -> str:
    """The summary people read in the terminal, in ``lang``."""
    if lang == "zh":
        return _render_text_zh(report)
    rate = report.events / report.seconds if report.seconds > 0 else 0.0
    lines = [
        f"bundle: {report.events} events in {report.aggregates} aggregates, log "
        f"{report.origin or '(origin unknown)'}",
        f"key: {report.key_source}",
        f"checkpoints verified: {len(report.checkpoints_verified)}"
        + (f" (latest covers {max(report.checkpoints_verified)} entries)"
           if report.checkpoints_verified else ""),
    ]
    if report.trusted_size is not None:
        lines.append(f"trusted checkpoint: {report.trusted_size} entries")
    if report.draws_checked or report.draws_sealed:
        lines.append(f"draws: {report.draws_checked} disclosed and replayed in full, "
                     f"{report.draws_sealed} still sealed (order and frozen files checked)")
    lines.append(f"time: {report.seconds:.2f} s ({rate:,.0f} events/s)")
    if report.public is not None:
        lines.append("public bundle: what could not be checked, and why")
        lines.extend(f"  - {said}" for said in not_checked(report, "en"))
    if report.ok and report.public is not None:
        lines.append("OK: every log entry, checkpoint, public event and disclosed draw holds; "
                     "the rest is said above (核验通过)"
                     + (f"; {len(report.late)} step(s) late (逾期)" if report.late else ""))
    elif report.ok:
        lines.append("OK: every event hash, chain link, checkpoint and rule holds (核验通过)"
                     + (f"; {len(report.late)} step(s) late (逾期)" if report.late else ""))
    else:
        lines.append(f"FAILED: {len(report.failed)} finding(s) (核验未通过)"
                     + (f", and {len(report.late)} step(s) late (逾期)" if report.late else ""))
        lines.extend(f"  [{f.rule}] {f.where()}: {f.message}" for f in report.failed)
    lines.extend(f"  LATE [{f.rule}] {f.where()}: {f.message}" for f in report.late)
    return "\n".join(lines)


def _render_text_zh(report: Report) -> str:
    """:func:`render_text` in Chinese (findings through :mod:`verify.finding_text`)."""
    rate = report.events / report.seconds if report.seconds > 0 else 0.0
    lines = [
        f"{'审计包' if report.public is None else '公开核验包'}：{report.events} 个事件，"
        f"{report.aggregates} 个聚合，日志 "
        f"{report.origin or '（来源不明）'}",
        f"公钥：{key_source_zh(report.key_source)}",
        f"已核验的签名检查点：{len(report.checkpoints_verified)} 个"
        + (f"（最新的覆盖 {max(report.checkpoints_verified)} 条）"
           if report.checkpoints_verified else ""),
    ]
    if report.trusted_size is not None:
        lines.append(f"可信检查点：{report.trusted_size} 条")
    if report.draws_checked or report.draws_sealed:
        lines.append(f"抽取：{report.draws_checked} 次已公开并完整复算，{report.draws_sealed} 次仍密封"
                     "（已核对顺序和冻结文件）")
    lines.append(f"用时：{report.seconds:.2f} 秒（每秒 {rate:,.0f} 个事件）")
    if report.public is not None:
        lines.append("公开核验包：以下内容无法核验及原因")
        lines.extend(f"  - {said}" for said in not_checked(report, "zh"))
    if report.ok and report.public is not None:
        lines.append("核验通过：每个日志条目、检查点、公开事件和已公开的抽取都成立；其余见上"
                     + (f"；{len(report.late)} 个步骤逾期" if report.late else ""))
    elif report.ok:
        lines.append("核验通过：每个事件哈希、链接、检查点和规则都成立"
                     + (f"；{len(report.late)} 个步骤逾期" if report.late else ""))
    else:
        lines.append(f"核验未通过：{len(report.failed)} 个问题"
                     + (f"，另有 {len(report.late)} 个步骤逾期" if report.late else ""))
        lines.extend(f"  [{rule_name(f.rule)}] {where_zh(f)}：{message_zh(f)}" for f in report.failed)
    lines.extend(f"  逾期 [{rule_name(f.rule)}] {where_zh(f)}：{message_zh(f)}" for f in report.late)
    return "\n".join(lines)


def _progress(events: int, seconds: float) -> None:
    rate = events / seconds if seconds > 0 else 0.0
    print(f"spotcheck-verify: {events:,} events checked ({rate:,.0f}/s)", file=sys.stderr,
          flush=True)


def build_audit_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="spotcheck-verify audit",
        description="The level above's audit: verify several agencies' bundles in full, and that "
        "every checkpoint you received from them is signed by its log and is a prefix of the "
        "history its bundle publishes now (no agency showed you one history and the public "
        "another). Cosignatures by the given cosigner keys are verified.",
    )
    parser.add_argument("bundles", type=Path, nargs="+", metavar="DIR",
                        help="bundle directories written by `spotcheck export`")
    parser.add_argument("--received", type=Path, nargs="+", action="extend", default=[],
                        metavar="NOTE", help="checkpoint notes you received earlier (any of the logs)")
    parser.add_argument("--key", type=Path, nargs="+", action="extend", default=[], metavar="FILE",
                        help="a log's verifier key obtained independently; it applies to the bundle "
                        "whose origin is the key's name (default: each bundle's own key)")
    parser.add_argument("--cosigner-key", type=Path, nargs="+", action="extend", default=[],
                        metavar="FILE", help="cosigner verifier keys (type 0x04) whose cosignatures "
                        "on received checkpoints must verify")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the report as JSON")
    parser.add_argument("--jobs", type=positive_int, metavar="N", default=None,
                        help="how many processes verify the bundles, each taking the next bundle, "
                        "largest first: 1, this one alone; default 2 for 8 MiB of events or more "
                        "when two CPUs are available, else 1 (the reports are the same whatever the "
                        "number)")
    parser.add_argument("--lang", choices=LANGS, default=default_lang(),
                        help="the summary's language: zh (Chinese, the default) or en; default also "
                        "from SPOTCHECK_LANG")
    return parser


def run_audit(argv: Sequence[str]) -> int:
    args = build_audit_parser().parse_args(argv)
    try:
        bundles, origins = _name_bundles(args.bundles)
        key_files = _match_keys(args.key, origins)
        report = audit(bundles, args.received, key_files, args.cosigner_key, jobs=args.jobs)
        if args.json is not None:
            _write_text(args.json, json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n",
                        "--json")
    except BundleError as exc:
        print(f"spotcheck-verify: {_said(str(exc), argv)}", file=sys.stderr)
        return EXIT_USAGE
    print(render_audit(report, bundles, args.lang))
    return EXIT_OK if report.ok else EXIT_FINDINGS


def _name_bundles(paths: Sequence[Path]) -> tuple[dict[str, Path], dict[str, str]]:
    """Name each bundle by its manifest's ``log`` (the division code), else its directory; also
    map each manifest's origin to the bundle's name."""
    named: dict[str, Path] = {}
    origins: dict[str, str] = {}
    for path in paths:
        name = path.name or str(path)
        data, _ = read_manifest(path)  # (a bad manifest is the bundle's finding, named there)
        if data is not None:
            if isinstance(data.get("log"), str) and data["log"]:
                name = data["log"]
            if isinstance(data.get("origin"), str):
                origins[data["origin"]] = name
        if name in named:
            raise BundleError(f"{path}: a second bundle of log {name} (the first is {named[name]})")
        named[name] = path
    return named, origins


def _match_keys(keys: Sequence[Path], origins: dict[str, str]) -> dict[str, Path]:
    """Give each --key file to the bundle whose origin is the key's name."""
    matched: dict[str, Path] = {}
    for key in keys:
        names = {v.name for v in _log_verifiers(key)}
        hits = sorted({origins[n] for n in names if n in origins})
        if len(hits) != 1:
            raise BundleError(f"--key {key}: its key name ({', '.join(sorted(names))}) is the origin "
                              "of " + ("none" if not hits else "more than one") + " of the bundles")
        if hits[0] in matched:
            raise BundleError(f"--key {key}: a second key for log {hits[0]}")
        matched[hits[0]] = key
    return matched


def render_audit(report: AuditReport, bundles: dict[str, Path], lang: str = "en") -> str:
    if lang == "zh":
        return _render_audit_zh(report, bundles)
    lines: list[str] = []
    for name, bundle_report in report.reports.items():
        lines.append(f"== {name} ({bundles[name]}) ==")
        lines.append(render_text(bundle_report))
    lines.append("== received checkpoints ==")
    if not report.received:
        lines.append("(none given)")
    for received in report.received:
        state = "consistent with its bundle" if received.consistent else "NOT consistent"
        where = f"log {received.log}" if received.log else f"origin {received.origin or '?'}"
        cosigned = "".join(f"; cosigned by {c.name} at {c.timestamp}" for c in received.cosignatures)
        lines.append(f"{received.file}: {where}, size {received.size}: {state}{cosigned}")
    failed = sum(not r.ok for r in report.reports.values())
    if report.ok:
        lines.append(f"OK: {len(report.reports)} bundle(s) and {len(report.received)} received "
                     "checkpoint(s) hold (审计通过)")
    else:
        lines.append(f"FAILED: {failed} bundle(s) with findings, {len(report.findings)} audit "
                     "finding(s) (审计未通过)")
        lines.extend(f"  [{f.rule}] {f.where()}: {f.message}" for f in report.findings)
    return "\n".join(lines)


def _render_audit_zh(report: AuditReport, bundles: dict[str, Path]) -> str:
    """:func:`render_audit` in Chinese."""
    lines: list[str] = []
    for name, bundle_report in report.reports.items():
        lines.append(f"== {name}（{bundles[name]}）==")
        lines.append(render_text(bundle_report, "zh"))
    lines.append("== 收到的检查点 ==")
    if not report.received:
        lines.append("（未提供）")
    for received in report.received:
        state = "与其审计包一致" if received.consistent else "与其审计包不一致"
        where = f"日志 {received.log}" if received.log else f"来源 {received.origin or '?'}"
        cosigned = "".join(f"；{c.name} 于 {c.timestamp} 见证签名" for c in received.cosignatures)
        lines.append(f"{received.file}：{where}，大小 {received.size}：{state}{cosigned}")
    failed = sum(not r.ok for r in report.reports.values())
    if report.ok:
        lines.append(f"审计通过：{len(report.reports)} 个审计包和 {len(report.received)} 个收到的检查点"
                     "均成立")
    else:
        lines.append(f"审计未通过：{failed} 个审计包有问题，审计发现 {len(report.findings)} 个问题")
        lines.extend(f"  [{rule_name(f.rule)}] {where_zh(f)}：{message_zh(f)}"
                     for f in report.findings)
    return "\n".join(lines)


def build_cosign_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="spotcheck-verify cosign",
        description="Countersign a checkpoint you verified with your cosigner key (C2SP "
        "tlog-cosignature/v1) and print the cosigned note. Audit the log first.",
    )
    parser.add_argument("note", type=Path, metavar="NOTE", help="the signed checkpoint note")
    parser.add_argument("--key", type=Path, metavar="PRIVATE_KEY_FILE", required=True,
                        help="your cosigner private key (PRIVATE+KEY+<name>+<id>+<0x04 key>)")
    parser.add_argument("--time", type=int, metavar="UNIX",
                        help="the cosignature's timestamp in POSIX seconds (default: now)")
    parser.add_argument("--log-key", type=Path, metavar="FILE",
                        help="the log's verifier key: refuse to cosign unless the log signed the note")
    parser.add_argument("--lang", choices=LANGS, default=default_lang(), help="zh (default) or en")
    return parser


def run_cosign(argv: Sequence[str]) -> int:
    args = build_cosign_parser().parse_args(argv)
    timestamp = int(time.time()) if args.time is None else args.time
    try:
        if not 0 <= timestamp <= MAX_TIMESTAMP:
            raise BundleError(f"--time {timestamp}: not in 0..2**63-1")
        signer = _load_cosigner(args.key)
        note = read_small_text(args.note)
        log_verifiers = _log_verifiers(args.log_key)
        if log_verifiers:
            try:
                open_checkpoint(note, log_verifiers)
            except (CheckpointError, NoteError) as exc:
                print("spotcheck-verify: " + _say(
                    _lang_on(argv) == "zh", f"{args.note}：{receipt_error_zh(str(exc))}；未联署",
                    f"{args.note}: {exc}; not cosigned"), file=sys.stderr)
                return EXIT_FINDINGS
        try:
            cosigned = cosign(note, signer, timestamp)
        except CosignatureError as exc:
            raise BundleError(f"{args.note}: {exc}") from None
    except BundleError as exc:
        print(f"spotcheck-verify: {_said(str(exc), argv)}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(cosigned)
    return EXIT_OK


def build_conflict_proof_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="spotcheck-verify conflict-proof",
        description="Check one declared conflict of a draw (回避证明) that the agency gave you "
        "(`spotcheck draw conflict-proof`): the bundle (public or audit) is verified, then the "
        "proof's salted commitment must be among those the draw's run recorded in the log. The "
        "draw's other conflicts stay unseen. Exit 0: proven; 1: not proven, or the bundle has "
        "findings, or the officer is on the unit's team all the same.",
    )
    parser.add_argument("bundle", type=Path, metavar="DIR", help="a bundle written by `spotcheck export`")
    parser.add_argument("proof", type=Path, metavar="PROOF", help="the proof (JSON) the agency gave")
    parser.add_argument("--key", type=Path, metavar="FILE",
                        help="the log's verifier key obtained independently (default: the bundle's)")
    parser.add_argument("--lang", choices=LANGS, default=default_lang(), help="zh (default) or en")
    return parser


def run_conflict_proof(argv: Sequence[str]) -> int:
    args = build_conflict_proof_parser().parse_args(argv)
    zh = args.lang == "zh"
    try:
        try:
            proof = ConflictProof.from_dict(loads_strict(read_small_text(args.proof)))
        except (CanonicalError, ConflictCommitmentError) as exc:
            raise BundleError(f"{args.proof}: {exc}") from None
        bundle = Bundle.open(args.bundle, args.key)
        report, evidence = verify_bundle_with_evidence(bundle)
    except BundleError as exc:
        print(f"spotcheck-verify: {_said(str(exc), argv)}", file=sys.stderr)
        return EXIT_USAGE
    pair = f"{proof.inspector_id} / {proof.unit_id}"
    lines = [_say(zh, f"核验包：{report.events} 个事件，日志 {report.origin or '?'}："
                  + ("核验通过" if report.ok else f"核验未通过，{len(report.failed)} 项问题"
                     "（用 spotcheck-verify DIR 查看）"),
                  f"bundle: {report.events} events, log {report.origin or '?'}: "
                  + ("OK" if report.ok else f"FAILED: {len(report.failed)} finding(s) "
                     "(run spotcheck-verify DIR to see them)"))]
    committed = evidence.draws.committed.get(proof.draw_id)
    team = evidence.draws.teams.get(proof.draw_id, {}).get(proof.unit_id, ())
    proven = committed is not None and proof.commitment in committed
    n = 0 if committed is None else len(committed)
    if committed is None:
        lines.append(_say(zh, f"抽取 {proof.draw_id} 在本核验包中没有记录利益冲突承诺"
                          "（不在本日志中，或冻结于承诺启用之前）",
                          f"draw {proof.draw_id} records no conflict commitments in this bundle "
                          "(not in this log, or frozen before conflicts had salts)"))
    elif not proven:
        lines.append(_say(zh, f"未证明：{pair} 的承诺不在抽取 {proof.draw_id} 记录的 {n} 个"
                          "利益冲突承诺之中",
                          f"NOT proven: the commitment of {pair} is not among the {n} conflict "
                          f"commitment(s) draw {proof.draw_id} recorded"))
    else:
        lines.append(_say(zh, f"已证明：{pair} 是抽取 {proof.draw_id} 在抽取时以承诺记录的 {n} 个"
                          "利益冲突之一（其他冲突未公开）",
                          f"proven: {pair} is one of the {n} conflict(s) draw {proof.draw_id} "
                          "committed at its run (the others stay unseen)"))
        skipped = evidence.draws.skipped.get(proof.draw_id)
        if skipped is not None and (proof.inspector_id, proof.unit_id) in skipped:
            lines.append(_say(zh, "它解释了检查组分配中的一次跳过", "it explains a skip of the assignment"))
    if proven and proof.inspector_id in team:
        lines.append("违规：该执法人员仍在该单位的检查组中" if zh else
                     "BREACH: the officer is on the unit's team all the same")
        proven = False
    print("\n".join(lines))
    return EXIT_OK if proven and report.ok else EXIT_FINDINGS


def _say(zh: bool, chinese: str, english: str) -> str:
    return chinese if zh else english


MAX_RECEIPT_BYTES = 4 * 1024 * 1024


def build_receipt_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="spotcheck-verify receipt",
        description="Check an event's receipt (回执, a C2SP tlog-proof@v1 .tlog-proof file) "
        "offline: the event is in the log whose key signed the checkpoint, at the index it names; "
        "the event body it carries (if any) is the one logged; the witnesses' cosignatures hold.",
    )
    parser.add_argument("receipt", type=Path, metavar="FILE", help="the .tlog-proof file")
    parser.add_argument("--key", type=Path, metavar="LOG.vkey", required=True,
                        help="the log's verifier key(s), obtained independently of the receipt")
    parser.add_argument("--witness-key", type=Path, metavar="W.vkey", action="append",
                        default=[], help="a witness's cosigner verifier key (repeat for several)")
    parser.add_argument("--min-witnesses", type=int, metavar="N",
                        help="how many of the given witnesses must have cosigned (default: all)")
    parser.add_argument("--origin", help="the log origin the checkpoint must name")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write what was proved as JSON")
    parser.add_argument("--lang", choices=LANGS, default=default_lang(), help="zh (default) or en")
    return parser


def run_receipt(argv: Sequence[str]) -> int:
    from verify.cosignature import read_cosigner_verifiers
    from verify.receipt import ReceiptError, check_receipt, describe

    args = build_receipt_parser().parse_args(argv)
    zh = args.lang == "zh"
    try:
        log_keys = read_keys(args.key)
        witnesses = []
        for path in args.witness_key:
            try:
                witnesses += read_cosigner_verifiers(read_small_text(path))
            except CosignatureError as exc:
                raise BundleError(f"--witness-key {path}: {exc}") from None
        text = read_small_text(args.receipt, limit=MAX_RECEIPT_BYTES)
    except BundleError as exc:
        print(f"spotcheck-verify: {_said(str(exc), argv)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        checked = check_receipt(text, log_keys, witnesses, origin=args.origin)
    except ReceiptError as exc:
        print(_say(zh, f"回执无效：{args.receipt}：{receipt_error_zh(str(exc))}",
                   f"receipt NOT valid: {args.receipt}: {exc}"))
        return EXIT_FINDINGS
    wanted = len(witnesses) if args.min_witnesses is None else args.min_witnesses
    names = sorted({name for name, _ in checked.cosignatures})
    cp = checked.checkpoint
    lines = [_say(zh, f"回执有效：事件 {checked.event_hash} 在日志 {cp.origin} 中，序号 {checked.index}，"
                      f"检查点大小 {cp.size}",
                  f"receipt valid: event {checked.event_hash} is at index {checked.index} of log "
                  f"{cp.origin}, checkpoint size {cp.size}")]
    if checked.event is not None:
        lines.append(_say(zh, f"  事件内容与哈希一致：{checked.event['type']}"
                              f"（{checked.event['timestamp']}）",
                          f"  the event body matches its hash: {checked.event['type']} at "
                          f"{checked.event['timestamp']}"))
    else:
        lines.append(_say(zh, "  回执不含事件内容：它只证明哈希",
                          "  no event body in the receipt: it proves the hash only"))
    for name, timestamp in checked.cosignatures:
        when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(timestamp))
        lines.append(_say(zh, f"  见证方 {name} 已联署（{when}）", f"  cosigned by {name} at {when}"))
    ok = len(names) >= wanted
    if not ok:
        lines.append(_say(zh, f"回执未达见证要求：要求 {wanted} 个见证方联署，只有 {len(names)} 个联署了"
                          "这个检查点；请待见证方联署后重新获取回执",
                          f"witness policy NOT met: {len(names)} of the required {wanted} witness(es) "
                          "cosigned this checkpoint; fetch the receipt again once the witnesses have "
                          "cosigned"))
    print("\n".join(lines))
    if args.json is not None:
        try:
            _write_text(args.json, json.dumps({**describe(checked), "witness_policy_met": ok},
                                              ensure_ascii=False, indent=2) + "\n", "--json")
        except BundleError as exc:
            print(f"spotcheck-verify: {_said(str(exc), argv)}", file=sys.stderr)
            return EXIT_USAGE
    return EXIT_OK if ok else EXIT_FINDINGS


def build_cosigner_key_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="spotcheck-verify cosigner-key",
        description="Create a cosigner key pair: DIR/cosigner.key (private, mode 0600) and "
        "DIR/cosigner.vkey (the verifier key to publish). Prints the verifier key.",
    )
    parser.add_argument("name", metavar="NAME", help="the cosigner's name, e.g. 652300.example/witness")
    parser.add_argument("--out", type=Path, metavar="DIR", required=True,
                        help="directory for the key files (created if missing)")
    parser.add_argument("--lang", choices=LANGS, default=default_lang(), help="zh (default) or en")
    return parser


def run_cosigner_key(argv: Sequence[str]) -> int:
    args = build_cosigner_key_parser().parse_args(argv)
    private, public = args.out / "cosigner.key", args.out / "cosigner.vkey"
    try:
        signer = generate_cosigner(args.name)
    except CosignatureError as exc:
        print("spotcheck-verify: " + _say(_lang_on(argv) == "zh", f"见证方名称：{exc}",
                                           f"cosigner name: {exc}"), file=sys.stderr)
        return EXIT_USAGE
    try:
        if private.exists() or public.exists():
            raise BundleError(f"{args.out}: already holds a cosigner key; not overwritten")
        try:
            args.out.mkdir(parents=True, exist_ok=True)
            fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(signer.private_key_text() + "\n")
            os.chmod(private, 0o600)
        except OSError as exc:
            raise BundleError(f"{private}: cannot be written: {exc}") from None
        _write_text(public, signer.verifier_key_text() + "\n")
    except BundleError as exc:
        print(f"spotcheck-verify: {_said(str(exc), argv)}", file=sys.stderr)
        return EXIT_USAGE
    print(signer.verifier_key_text())
    return EXIT_OK


def _load_cosigner(path: Path) -> CosignerSigner:
    try:
        signer = CosignerSigner.from_private_key_text(read_small_text(path).strip())
    except CosignatureError as exc:
        raise BundleError(f"{path}: {exc}") from None
    mode = os.stat(path).st_mode & 0o777
    if mode & 0o077:
        raise BundleError(f"{path}: readable or writable by others (mode {mode:o}); a private key "
                          f"must be mode 600: chmod 600 {path}")
    return signer


def _witness_keys(paths: Sequence[Path]) -> list[CosignerVerifier]:
    from verify.cosignature import read_cosigner_verifiers

    keys: list[CosignerVerifier] = []
    for path in paths:
        try:
            keys += read_cosigner_verifiers(read_small_text(path))
        except CosignatureError as exc:
            raise BundleError(f"--witness-key {path}: {exc}") from None
    return keys


def _log_verifiers(path: Path | None) -> list[NoteVerifier]:
    return [] if path is None else read_keys(path)


def _write_text(path: Path, text: str, option: str = "") -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        where = f"{option} {path}" if option else str(path)
        raise BundleError(f"{where}: cannot be written: {exc}") from None


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
