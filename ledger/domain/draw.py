"""The verifiable draw (双随机抽查摇号): freeze, seed ceremony, draw, fixing, amendments, disclosure.

One ``Draw`` aggregate per agency, period and kind (``units``: the quarter's inspection list and
its teams; ``audit``: a prefecture's draw of the counties it audits). Its events, in order:

``PopulationFrozen``   the four canonical input files of SPOTCHECK-DRAW-1 (population, inspectors,
                       conflicts, params) with their hashes, the exclusions and their reasons, and
                       the announced entropy plan — before any randomness exists (冻结).
``WitnessCommitted``   a witness's commitment ``SHA256(value)`` (见证人承诺).
``EntropyRecorded``    one announced source's value, sealed until disclosure; a witness's reveal
                       was checked against the commitment first (揭示 / 掷骰 / 外部公开值).
``RevealRefused``      a reveal that did not match its commitment (recorded, then refused).
``SeedDerived``        the seed, sealed, and its public commitment ``SHA256(SEED)`` (种子).
``SeedAttemptRefused`` any second attempt at a seed (一次抽取只有一个种子).
``DrawBlocked``        a witness never revealed, or too few eligible officers: the draw stops.
``UnitsDrawn``         the selection and the assignment, sealed, with their SHA-256 hashes.
``ListFixed``          the list is fixed (确定, 不得随意变更): the hash of selection and assignment.
``UnitReplaced``       a closed or relocated unit replaced by the next alternate (sealed details).
``InspectorRecused``   a recusal (回避) filled by the next eligible officer (sealed details).
``SealedContentOpened`` who opened sealed content, when and why (every opening is recorded).
``Disclosed``          the draw key published: every sealed value can now be opened and checked.

The domain holds no key and does no I/O: sealing is done by the caller, and this aggregate only
checks what the rules say about order, commitments and reasons.
"""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from ledger.domain.chained import ChainedAggregate, stable_topics
from ledger.errors import InvalidInput
from verify.draw import DrawError, check_entropy_value, reveal_matches

DRAW_NAMESPACE = uuid5(NAMESPACE_URL, "https://spotcheck.invalid/draw")
KINDS = ("units", "audit")
SOURCE_KINDS = ("witness", "dice", "external")


class DrawRuleError(InvalidInput):
    """A draw step that breaks a rule; the message names the field and the rule."""


def draw_uuid(draw_id: str) -> UUID:
    """The aggregate id of the draw named ``draw_id`` (one draw per name)."""
    return uuid5(DRAW_NAMESPACE, draw_id)


def draw_name(division_code: str, period: str, kind: str) -> str:
    """The draw id of SPOTCHECK-DRAW-1 §1: ``<division code>-<period>-<kind>``."""
    return f"{division_code}-{period}-{kind}"


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def list_hash(selection_hash: str, assignment_hash: str) -> str:
    """What ``ListFixed`` fixes: SHA-256 of ``selection hash|assignment hash`` (hex, UTF-8)."""
    return sha256_hex(f"{selection_hash}|{assignment_hash}")


@stable_topics("ledger.draw")
class Draw(ChainedAggregate):
    """One agency's draw for one period (抽查摇号)."""

    @staticmethod
    def create_id(agency_id: str, draw_id: str, **_: Any) -> UUID:
        return draw_uuid(draw_id)

    @event("PopulationFrozen")
    def __init__(
        self, agency_id: str, draw_id: str, kind: str, period: str, frozen_on: str,
        window: dict[str, Any], rulebook: str, files: dict[str, dict[str, Any]],
        strata: dict[str, dict[str, int]], exclusions: list[dict[str, str]],
        entropy_plan: list[dict[str, str]],
    ) -> None:
        self.agency_id = agency_id
        self.draw_id = draw_id
        self.kind = kind
        self.period = period
        self.frozen_on = frozen_on
        self.window = dict(window)
        self.rulebook = rulebook
        self.files = dict(files)
        self.strata = dict(strata)
        self.exclusions = list(exclusions)
        self.entropy_plan = list(entropy_plan)
        self.commitments: dict[int, dict[str, str]] = {}
        self.entropy: dict[int, str] = {}
        self.seed_commitment: str | None = None
        self.sealed_seed: str | None = None
        self.drawn: dict[str, Any] | None = None
        self.fixed: dict[str, Any] | None = None
        self.amendments: list[dict[str, Any]] = []
        self.openings: list[dict[str, str]] = []
        self.blocked: dict[str, Any] | None = None
        self.disclosed_key: str | None = None
        self.refused_attempts = 0
        self.refused_reveals: list[dict[str, Any]] = []  # each refused reveal: k, reason

    @classmethod
    def freeze(
        cls, *, agency_id: str, draw_id: str, kind: str, period: str, frozen_on: str,
        window: dict[str, Any], rulebook: str, files: dict[str, dict[str, Any]],
        strata: dict[str, dict[str, int]], exclusions: list[dict[str, str]],
        entropy_plan: list[dict[str, str]],
    ) -> Draw:
        """Freeze the inputs (冻结): nothing random exists yet; their hashes fix them."""
        if kind not in KINDS:
            raise DrawRuleError(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
        _check_plan(entropy_plan)
        for name in ("population", "inspectors", "conflicts", "params"):
            if name not in files:
                raise DrawRuleError(f"files.{name}: the freeze needs all four input files")
        return cls(
            agency_id=agency_id, draw_id=draw_id, kind=kind, period=period, frozen_on=frozen_on,
            window=window, rulebook=rulebook, files=files, strata=strata, exclusions=exclusions,
            entropy_plan=entropy_plan,
        )

    # -- state ---------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        if self.disclosed_key is not None:
            return "disclosed"
        if self.blocked is not None:
            return "blocked"
        if self.fixed is not None:
            return "fixed"
        if self.drawn is not None:
            return "drawn"
        if self.sealed_seed is not None:
            return "seeded"
        return "frozen"

    def source(self, k: int) -> dict[str, str]:
        if not 1 <= k <= len(self.entropy_plan):
            raise DrawRuleError(
                f"k: the entropy plan announced sources 1..{len(self.entropy_plan)}, not {k}"
            )
        return self.entropy_plan[k - 1]

    def file_hash(self, name: str) -> str:
        return str(self.files[name]["sha256"])

    def _witnesses(self) -> list[int]:
        return [k for k, s in enumerate(self.entropy_plan, start=1) if s["kind"] == "witness"]

    def _require_open(self, step: str) -> None:
        if self.blocked is not None:
            raise DrawRuleError(f"status: draw {self.draw_id} is blocked ({self.blocked['reason']}); "
                                f"no {step}", kind="conflict")

    # -- the seed ceremony ---------------------------------------------------------------------
    def commit(self, k: int, witness: str, role: str, commitment: str) -> None:
        """A witness commits to a value by its SHA-256 (before anything is revealed)."""
        self._require_open("commitment")
        source = self.source(k)
        if source["kind"] != "witness":
            raise DrawRuleError(f"k: source {k} is a {source['kind']}, not a witness")
        if k in self.commitments:
            raise DrawRuleError(f"k: witness {k} has already committed", kind="conflict")
        if self.entropy:
            raise DrawRuleError("commitment: every witness commits before any value is revealed",
                                kind="conflict")
        if len(commitment) != 64 or any(c not in "0123456789abcdef" for c in commitment):
            raise DrawRuleError("commitment: 64 lowercase hex digits (SHA-256 of the value)")
        if not witness.strip():
            raise DrawRuleError("witness: a commitment names its witness")
        self._witness_committed(k=k, witness=witness.strip(), role=role.strip(),
                                commitment=commitment)

    @event("WitnessCommitted")
    def _witness_committed(self, k: int, witness: str, role: str, commitment: str) -> None:
        self.commitments[k] = {"witness": witness, "role": role, "commitment": commitment}

    def check_entropy(self, k: int, value: str) -> None:
        """Raise :class:`DrawRuleError` unless ``value`` may be recorded now as source ``k``."""
        self._require_open("entropy")
        source = self.source(k)
        if self.sealed_seed is not None:
            raise DrawRuleError("entropy: the seed is already derived; nothing more is gathered",
                                kind="conflict")
        if k in self.entropy:
            raise DrawRuleError(f"k: source {k} is already recorded", kind="conflict")
        try:
            check_entropy_value(k, value)
        except DrawError as exc:
            raise DrawRuleError(f"value: {exc}") from None
        witnesses = self._witnesses()
        missing = [w for w in witnesses if w not in self.commitments]
        if missing:
            raise DrawRuleError(
                f"entropy: witness(es) {', '.join(map(str, missing))} have not committed yet; "
                "every witness commits before any value is recorded"
            )
        if source["kind"] == "witness":
            if not reveal_matches(self.commitments[k]["commitment"], value):
                raise DrawRuleError(
                    f"value: the reveal of witness {k} ({self.commitments[k]['witness']}) does not "
                    "match its commitment"
                )
        else:
            unrevealed = [w for w in witnesses if w not in self.entropy]
            if unrevealed:
                raise DrawRuleError(
                    f"entropy: the {source['kind']} value comes last, after every witness has "
                    f"revealed (not yet: {', '.join(map(str, unrevealed))})"
                )

    def record_entropy(self, k: int, value: str, sealed: str, witnesses: list[str]) -> None:
        """Record source ``k``'s value, sealed; ``value`` itself is checked, never stored."""
        self.check_entropy(k, value)
        self._entropy_recorded(k=k, kind=self.source(k)["kind"], sealed_value=sealed,
                               witnesses=[w.strip() for w in witnesses if w.strip()])

    @event("EntropyRecorded")
    def _entropy_recorded(self, k: int, kind: str, sealed_value: str, witnesses: list[str]) -> None:
        self.entropy[k] = sealed_value

    def refuse_reveal(self, k: int, reason: str) -> None:
        """Record that a reveal was refused (it will be refused again; the record stays)."""
        self._reveal_refused(k=k, reason=reason)

    @event("RevealRefused")
    def _reveal_refused(self, k: int, reason: str) -> None:
        self.refused_reveals.append({"k": k, "reason": reason})

    def ready_for_seed(self) -> bool:
        return len(self.entropy) == len(self.entropy_plan)

    def check_seed_ready(self) -> None:
        """Raise :class:`DrawRuleError` unless the one seed may be derived now."""
        self._require_open("seed")
        if self.sealed_seed is not None:
            raise DrawRuleError(f"seed: draw {self.draw_id} already has its seed; one draw, one seed",
                                kind="conflict")
        missing = [k for k in range(1, len(self.entropy_plan) + 1) if k not in self.entropy]
        if missing:
            raise DrawRuleError(
                f"seed: announced source(s) {', '.join(map(str, missing))} not recorded yet"
            )

    def derive_seed(self, sealed_seed: str, seed_commitment: str) -> None:
        """Record the one seed of this draw (sealed) and its public commitment."""
        self.check_seed_ready()
        self._seed_derived(sealed_seed=sealed_seed, seed_commitment=seed_commitment)

    @event("SeedDerived")
    def _seed_derived(self, sealed_seed: str, seed_commitment: str) -> None:
        self.sealed_seed = sealed_seed
        self.seed_commitment = seed_commitment

    def refuse_seed_attempt(self, by: str, reason: str) -> None:
        self._seed_attempt_refused(by=by, reason=reason)

    @event("SeedAttemptRefused")
    def _seed_attempt_refused(self, by: str, reason: str) -> None:
        self.refused_attempts += 1

    def block(self, reason: str, detail: str, recorded_by: str) -> None:
        """Stop the draw for good (a witness never revealed; too few eligible officers)."""
        if self.blocked is not None:
            raise DrawRuleError("status: the draw is already blocked", kind="conflict")
        if self.fixed is not None:
            raise DrawRuleError("status: a fixed list is amended, never blocked", kind="conflict")
        if not reason.strip():
            raise DrawRuleError("reason: blocking a draw needs its reason")
        self._blocked(reason=reason.strip(), detail=detail, recorded_by=recorded_by)

    @event("DrawBlocked")
    def _blocked(self, reason: str, detail: str, recorded_by: str) -> None:
        self.blocked = {"reason": reason, "detail": detail, "recorded_by": recorded_by}

    # -- drawing and fixing --------------------------------------------------------------------
    def record_drawn(
        self, selection_hash: str, assignment_hash: str, selected: dict[str, int],
        sealed_selection: str, sealed_assignment: str,
        conflict_commitments: list[str] | None = None,
    ) -> None:
        """Record the run: the list's hashes, sealed files and counts, and the salted commitments
        of the frozen conflicts (:mod:`verify.conflict_commitments`; None for a draw frozen
        before the conflicts had salts)."""
        self._require_open("draw")
        if self.sealed_seed is None:
            raise DrawRuleError("seed: the draw runs only after its seed is derived", kind="conflict")
        if self.drawn is not None:
            raise DrawRuleError("status: this draw has already been run (its result is recorded)",
                                kind="conflict")
        self._units_drawn(selection_hash=selection_hash, assignment_hash=assignment_hash,
                          selected=selected, sealed_selection=sealed_selection,
                          sealed_assignment=sealed_assignment,
                          conflict_commitments=conflict_commitments)  # (always passed: hashed)

    @event("UnitsDrawn")
    def _units_drawn(
        self, selection_hash: str, assignment_hash: str, selected: dict[str, int],
        sealed_selection: str, sealed_assignment: str,
        conflict_commitments: list[str] | None = None,
    ) -> None:
        # conflict_commitments: events written before the conflicts had salts lack it
        self.drawn = {"selection_hash": selection_hash, "assignment_hash": assignment_hash,
                      "selected": dict(selected), "sealed_selection": sealed_selection,
                      "sealed_assignment": sealed_assignment,
                      "conflict_commitments": conflict_commitments}

    def fix(self, fixed_by: str, fixed_on: str, working_days_late: int = 0) -> None:
        """Fix the list (确定): from now on it changes only by recorded amendments. A list fixed
        after the draw window (where the rulebook allows it) carries how late it was."""
        self._require_open("fixing")
        if self.drawn is None:
            raise DrawRuleError("status: there is no drawn list to fix yet (run the draw first)",
                                kind="conflict")
        if self.fixed is not None:
            raise DrawRuleError(
                f"status: the list of {self.draw_id} is already fixed; it cannot be fixed again or "
                "changed (一经确定，不得随意变更) — only amended with a reason and an approver"
            , kind="conflict")
        if not fixed_by.strip():
            raise DrawRuleError("fixed_by: fixing a list names who fixed it")
        if fixed_on < self.frozen_on:
            raise DrawRuleError(f"fixed_on: {fixed_on} is before the freeze ({self.frozen_on})")
        digest = list_hash(self.drawn["selection_hash"], self.drawn["assignment_hash"])
        self._list_fixed(list_hash=digest, fixed_by=fixed_by.strip(), fixed_on=fixed_on,
                         working_days_late=working_days_late)

    @event("ListFixed")
    def _list_fixed(self, list_hash: str, fixed_by: str, fixed_on: str,
                    working_days_late: int) -> None:
        self.fixed = {"list_hash": list_hash, "fixed_by": fixed_by, "fixed_on": fixed_on,
                      "working_days_late": working_days_late}

    def _check_amendment(self, reason: str, approved_by: str) -> None:
        if self.fixed is None:
            raise DrawRuleError("status: only a fixed list is amended (before fixing, nothing "
                                "is changed either: the draw is deterministic)", kind="conflict")
        if self.disclosed_key is not None:
            raise DrawRuleError("status: the list is disclosed; it is no longer amended", kind="conflict")
        if not reason.strip():
            raise DrawRuleError("reason: an amendment after fixing needs its reason")
        if not approved_by.strip():
            raise DrawRuleError("approved_by: an amendment after fixing needs its approver")

    def replace_unit(self, sealed: str, digest: str, reason: str, approved_by: str) -> None:
        """A selected unit that cannot be inspected, replaced by the next alternate (sealed)."""
        self._check_amendment(reason, approved_by)
        self._unit_replaced(sealed_details=sealed, details_hash=digest, approved_by=approved_by)

    @event("UnitReplaced")
    def _unit_replaced(self, sealed_details: str, details_hash: str, approved_by: str) -> None:
        self.amendments.append({"kind": "unit", "sealed_details": sealed_details,
                                "details_hash": details_hash, "approved_by": approved_by})

    def recuse(self, sealed: str, digest: str, reason: str, approved_by: str) -> None:
        """An officer's recusal (回避) and the replacement drawn for it (sealed)."""
        self._check_amendment(reason, approved_by)
        self._inspector_recused(sealed_details=sealed, details_hash=digest,
                                approved_by=approved_by)

    @event("InspectorRecused")
    def _inspector_recused(self, sealed_details: str, details_hash: str, approved_by: str) -> None:
        self.amendments.append({"kind": "recusal", "sealed_details": sealed_details,
                                "details_hash": details_hash, "approved_by": approved_by})

    # -- secrecy and disclosure ----------------------------------------------------------------
    def record_opening(self, who: str, why: str, what: str) -> None:
        """Every opening of sealed content is itself recorded: who, why, what (and when)."""
        if not who.strip() or not why.strip():
            raise DrawRuleError("who/why: opening sealed content names who opens it and why")
        self._opened(who=who.strip(), why=why.strip(), what=what)

    @event("SealedContentOpened")
    def _opened(self, who: str, why: str, what: str) -> None:
        self.openings.append({"who": who, "why": why, "what": what})

    def disclose(self, key_hex: str, disclosed_by: str, disclosed_on: str) -> None:
        """Publish the draw key: every sealed value of this draw can now be opened by anyone."""
        if self.fixed is None:
            raise DrawRuleError("status: only a fixed list is disclosed", kind="conflict")
        if self.disclosed_key is not None:
            raise DrawRuleError("status: the draw is already disclosed", kind="conflict")
        self._disclosed(key=key_hex, disclosed_by=disclosed_by, disclosed_on=disclosed_on)

    @event("Disclosed")
    def _disclosed(self, key: str, disclosed_by: str, disclosed_on: str) -> None:
        self.disclosed_key = key


def _check_plan(plan: list[dict[str, str]]) -> None:
    if not plan:
        raise DrawRuleError("entropy_plan: at least one entropy source is announced")
    kinds = [source.get("kind") for source in plan]
    for k, kind in enumerate(kinds, start=1):
        if kind not in SOURCE_KINDS:
            raise DrawRuleError(f"entropy_plan[{k}].kind: {kind!r} is not one of "
                                f"{', '.join(SOURCE_KINDS)}")
    if "witness" not in kinds:
        raise DrawRuleError("entropy_plan: at least one witness outside the operator's control")
    if not {"dice", "external"} & set(kinds):
        raise DrawRuleError(
            "entropy_plan: the last source revealed must be one nobody can withhold selectively "
            "(a dice roll in a witnessed session, or a pre-announced public value)"
        )
