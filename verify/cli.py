"""``spotcheck-verify``: the auditors' offline verifier (离线核验工具).

    spotcheck-verify DIR [--trusted-checkpoint FILE] [--key FILE] [--json FILE] [--quiet]

Exit status: 0 when everything holds; 1 when anything does not (each finding is listed with its
log index, file and line); 2 on a usage error (missing directory, unreadable file), with one line
on standard error and never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from verify.bundle import Bundle, BundleError, load_trusted
from verify.findings import Finding, Report
from verify.ledger_check import verify_bundle

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"spotcheck-verify: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="spotcheck-verify",
        description="Verify a Spotcheck audit bundle offline: every event hash, every chain "
        "link, the Merkle root against each signed checkpoint, and that the log only grew since "
        "a checkpoint you kept.",
    )
    parser.add_argument("bundle", type=Path, help="the directory written by `spotcheck export`")
    parser.add_argument("--trusted-checkpoint", type=Path, metavar="FILE",
                        help="a signed checkpoint you saved earlier: the log must extend it")
    parser.add_argument("--key", type=Path, metavar="FILE",
                        help="the log's verifier key obtained independently (default: the bundle's)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the report as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress on standard error")
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        bundle = Bundle.open(args.bundle, args.key)
        trusted = None
        problem = ""
        if args.trusted_checkpoint is not None:
            trusted, problem = load_trusted(args.trusted_checkpoint, bundle.verifiers)
        progress = None if args.quiet else _progress
        report = verify_bundle(bundle, trusted, progress)
        if problem:
            report.findings.insert(0, Finding(
                "trusted-checkpoint", f"the trusted checkpoint does not verify with this log's "
                f"key ({problem}): the log's key or identity changed", None,
                str(args.trusted_checkpoint)))
        if trusted is not None:
            report.trusted_size = trusted.checkpoint.size
        if args.json is not None:
            _write_json(args.json, report)
    except BundleError as exc:
        print(f"spotcheck-verify: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(render_text(report))
    return EXIT_OK if report.ok else EXIT_FINDINGS


def render_text(report: Report) -> str:
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
    if report.ok:
        lines.append("OK: every event hash, chain link and checkpoint holds (核验通过)")
    else:
        lines.append(f"FAILED: {len(report.findings)} finding(s) (核验未通过)")
        lines.extend(f"  [{f.rule}] {f.where()}: {f.message}" for f in report.findings)
    return "\n".join(lines)


def _progress(events: int, seconds: float) -> None:
    rate = events / seconds if seconds > 0 else 0.0
    print(f"spotcheck-verify: {events:,} events checked ({rate:,.0f}/s)", file=sys.stderr,
          flush=True)


def _write_json(path: Path, report: Report) -> None:
    try:
        path.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n",
                        encoding="utf-8")
    except OSError as exc:
        raise BundleError(f"--json {path}: cannot be written: {exc}") from None


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
