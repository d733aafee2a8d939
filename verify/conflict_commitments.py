"""Per-row salted commitments of a draw's declared conflicts (回避承诺): one conflict proven, none published.

A draw's ``conflicts.csv`` (``docs/draw.md`` §2.4) is personal data: it is in the audit bundle, not
in the public one. Yet a citizen replaying a disclosed draw sees where the assignment skipped the
officer the walk gave — a skip only a conflict explains (``verify.draw_check``). To let the agency
prove one such conflict to a reviewer without showing the others, each row gets a random salt
when the draw is frozen (kept in the freeze, beside the file, in ``files.conflicts.salts``: one
32-hex-digit salt per row, in the file's order), and the run records the sorted list of

    SHA256( "spotcheck/conflict/v1|" + draw_id + "|" + inspector_id + "|" + unit_id + "|" + salt )

(lower-case hex, UTF-8) in its ``UnitsDrawn`` event (``conflict_commitments``), which every bundle
carries. The auditor checks that the list is exactly the rows' commitments; anyone holding a
:class:`ConflictProof` — the draw, the pair and its salt, given by the agency — checks that its
commitment is in the list the log holds. Without the salt a commitment says nothing about its pair
(the salt has 128 bits; a pair alone could otherwise be guessed from the roster and the
population). The list's length is the number of declared conflicts of the draw.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

DOMAIN = "spotcheck/conflict/v1"
_SALT = re.compile(r"[0-9a-f]{32}")


class ConflictCommitmentError(ValueError):
    """Salts or a proof that are not as this module writes them."""


def conflict_commitment(draw_id: str, inspector_id: str, unit_id: str, salt: str) -> str:
    """The commitment of one row of ``conflicts.csv`` under its salt (hex)."""
    if not _SALT.fullmatch(salt):
        raise ConflictCommitmentError(f"salt: {salt!r} is not 32 lower-case hex digits")
    text = f"{DOMAIN}|{draw_id}|{inspector_id}|{unit_id}|{salt}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def conflict_rows(conflicts_csv: str) -> list[tuple[str, str]]:
    """The (inspector_id, unit_id) rows of a well-formed ``conflicts.csv``, in order."""
    rows = []
    for line in conflicts_csv.split("\n")[1:]:
        if line:
            inspector, _, unit = line.partition(",")
            rows.append((inspector, unit))
    return rows


def conflict_commitments(draw_id: str, conflicts_csv: str, salts: Sequence[str]) -> list[str]:
    """The sorted commitments of every row of ``conflicts_csv``, each under its salt."""
    rows = conflict_rows(conflicts_csv)
    if len(salts) != len(rows):
        raise ConflictCommitmentError(f"salts: {len(salts)} for {len(rows)} row(s) of conflicts.csv")
    return sorted(conflict_commitment(draw_id, i, u, s) for (i, u), s in zip(rows, salts, strict=True))


@dataclass(frozen=True)
class ConflictProof:
    """What the agency gives a reviewer to prove one declared conflict of one draw."""

    draw_id: str
    inspector_id: str
    unit_id: str
    salt: str

    @property
    def commitment(self) -> str:
        return conflict_commitment(self.draw_id, self.inspector_id, self.unit_id, self.salt)

    def as_dict(self) -> dict[str, str]:
        return {"format": DOMAIN, "draw_id": self.draw_id, "inspector_id": self.inspector_id,
                "unit_id": self.unit_id, "salt": self.salt, "commitment": self.commitment}

    @classmethod
    def from_dict(cls, data: Any) -> ConflictProof:
        if not isinstance(data, dict) or data.get("format") != DOMAIN:
            raise ConflictCommitmentError(f"not a conflict proof (format {DOMAIN})")
        try:
            proof = cls(*(str(data[k]) for k in ("draw_id", "inspector_id", "unit_id", "salt")))
        except KeyError as exc:
            raise ConflictCommitmentError(f"{exc.args[0]}: missing") from None
        proof.commitment  # noqa: B018 - checks the salt
        return proof
