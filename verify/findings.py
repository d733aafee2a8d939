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
            "draws_sealed": self.draws_sealed, "findings": [f.as_dict() for f in self.findings],
        }
