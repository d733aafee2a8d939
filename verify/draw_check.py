"""Replaying the draws of a bundle (抽取复核): the ceremony's order, and every disclosed draw in full.

The ledger's ``Draw`` aggregates (``ledger.domain.draw``; their stored types are ``ledger.draw:Draw.*``)
are collected during the bundle pass and checked at its end, from the bundle alone:

For every draw
    ``draw-files``   each frozen file hashes to the hash recorded beside it and obeys
                     SPOTCHECK-DRAW-2 §2 (read by :func:`verify.draw_files.read_draw_inputs`);
                     ``params.txt`` names this draw and announces the recorded entropy plan.
    ``draw-order``   the ceremony's steps in the order the rules allow: every commitment before any
                     value, witnesses' values before the dice or public value, one seed after every
                     source, the run after the seed, fixing after the run, amendments and disclosure
                     after fixing; nothing after a block.
For a disclosed draw (its key is in the ``Disclosed`` event), additionally
    ``draw-seal``    every sealed value opens with the published key;
    ``draw-reveal``  each witness's value hashes to the commitment recorded earlier;
    ``draw-seed``    PRE is the §3 string of the frozen hashes and the values, SEED its SHA-256,
                     and ``SHA256(SEED)`` the commitment recorded when the seed was derived;
    ``draw-list``    recomputing §5–§6 gives byte for byte the sealed ``selection.csv`` and
                     ``assignment.csv``, whose hashes are the recorded ones, whose combination is
                     the ``ListFixed`` hash;
    ``draw-amendment`` each amendment's details hash to the recorded hash, and name the replacement
                     the published ranking (a unit) or the unit's order (a recusal: its walk
                     ``W_c`` in version 2, ``E_c`` by ticket in version 1) gives.

The version of each draw is the ``spec`` of its frozen ``params.txt`` (no ``spec`` line: version 1);
PRE names it as its first field, so the sealed PRE must name the same version.

Before disclosure the sealed parts cannot be checked by anyone without the agency's key; the
report counts such draws (``draws_sealed``).

**A public bundle** carries no freeze event (it holds the declared conflicts) but the freeze's
public part and, once disclosed, ``population.csv``, ``inspectors.csv`` and ``params.txt``
(:meth:`DrawReplay.add_public_freeze`). The replay is then the same with ``conflicts.csv``
unknown: the recorded ``CH`` goes into PRE (so the seed check proves the four recorded hashes),
the three files must hash to theirs, the selection is recomputed in full, and the assignment is
explained: the draw is re-run without conflicts and, wherever the recorded team skips the
inspector the walk gives, that (inspector, unit) pair is taken as a declared conflict and the draw
re-run, until it gives the recorded ``assignment.csv`` byte for byte (each skip is then one a
conflict explains, counted in ``conflict_skips``; whether it was declared, only a holder of
``conflicts.csv`` can check) or cannot (``draw-list``). Recusals after fixing
(``InspectorRecused``) are withheld (their details state a conflict); unit replacements are
checked as usual.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any

from verify.canonical import loads_strict
from verify.conflict_commitments import ConflictCommitmentError, conflict_commitments
from verify.draw import (
    Assignment,
    DrawError,
    InsufficientEligible,
    assign_inspectors,
    replace_inspector,
    replace_unit,
    reveal_matches,
    run_draw,
)
from verify.draw_files import CONFLICTS_HEADER, Conflict, DrawFileError, DrawInputs, read_draw_inputs
from verify.event import is_hash_hex
from verify.findings import Finding
from verify.seal import SealError, key_from_hex, open_sealed

DRAW_TYPE_PREFIX = "ledger.draw:Draw."
FILES = ("population", "inspectors", "conflicts", "params")
#: How many conflicts the public replay infers before it gives up explaining an assignment.
MAX_INFERRED_CONFLICTS = 200


@dataclass
class _Step:
    name: str
    data: dict[str, Any]
    index: int
    line: int | None
    file: str = "events.jsonl"
    #: A public bundle's freeze: the frozen files it carries (None: an event with its content).
    public_files: dict[str, bytes] | None = None


@dataclass
class _Draw:
    aggregate_id: str
    steps: list[_Step] = field(default_factory=list)


@dataclass
class DrawReplay:
    """Collects the draw events of one bundle pass, then checks them (:meth:`findings`)."""

    draws: dict[str, _Draw] = field(default_factory=dict)
    checked: int = 0
    sealed: int = 0
    teams: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    #: Public bundles: per disclosed draw, the skips of its assignment a conflict explains.
    conflict_skips: dict[str, int] = field(default_factory=dict)
    #: Public bundles: the draws still sealed (only their order was checked).
    sealed_ids: list[str] = field(default_factory=list)
    #: Public bundles: per disclosed draw, the (inspector, unit) pairs its skips imply.
    skipped: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: Per draw, the salted commitments of its conflicts its run recorded (None: none recorded).
    committed: dict[str, list[str] | None] = field(default_factory=dict)

    def add_public_freeze(self, aggregate_id: str, data: dict[str, Any], files: dict[str, bytes],
                          index: int, where: str) -> None:
        """A public bundle's freeze of a draw (before the pass: it is the draw's first step)."""
        draw = self.draws.setdefault(aggregate_id, _Draw(aggregate_id))
        draw.steps.insert(0, _Step("PopulationFrozen", data, index, None, where, dict(files)))

    def observe(self, event: dict[str, Any], index: int, line: int) -> None:
        kind = str(event.get("type", ""))
        if not kind.startswith(DRAW_TYPE_PREFIX) or not isinstance(event.get("data"), dict):
            return
        aggregate = str(event["aggregate_id"])
        draw = self.draws.setdefault(aggregate, _Draw(aggregate))
        draw.steps.append(_Step(kind[len(DRAW_TYPE_PREFIX):], event["data"], index, line))

    def findings(self) -> list[Finding]:
        found: list[Finding] = []
        for draw in self.draws.values():
            found.extend(_check(draw, self))
        return found


class _Problem(Exception):
    def __init__(self, rule: str, message: str, step: _Step) -> None:
        super().__init__(message)
        self.rule = rule
        self.step = step


def _finding(rule: str, message: str, step: _Step, draw_id: str) -> Finding:
    return Finding(rule, f"draw {draw_id}: {message}", step.index, step.file, step.line)


def _check(draw: _Draw, replay: DrawReplay) -> list[Finding]:
    if not draw.steps or draw.steps[0].name != "PopulationFrozen":
        first = draw.steps[0]
        return [_finding("draw-order", "the draw does not begin with its freeze", first,
                         draw.aggregate_id)]
    frozen = draw.steps[0]
    draw_id = str(frozen.data.get("draw_id", draw.aggregate_id))
    found: list[Finding] = []
    try:
        disclosed = [s for s in draw.steps if s.name == "Disclosed"]
        public = frozen.public_files is not None
        inputs = _frozen_inputs(frozen, draw_id) if disclosed or not public else None
        _check_order(draw.steps)
        replay.committed[draw_id] = _committed(draw.steps, frozen, draw_id, public)
        if disclosed:
            assert inputs is not None
            teams, skipped = _replay_disclosed(draw.steps, inputs, draw_id, disclosed[0], public)
            replay.teams[draw_id] = teams
            if public:
                replay.conflict_skips[draw_id] = len(skipped)
                replay.skipped[draw_id] = skipped
            replay.checked += 1
        else:
            replay.sealed += 1
            replay.sealed_ids.append(draw_id)
    except _Problem as problem:
        found.append(_finding(problem.rule, str(problem), problem.step, draw_id))
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:  # hostile data
        found.append(_finding("draw-order", f"a step's data is not as recorded by a ceremony: "
                              f"{exc!r}", frozen, draw_id))
    return found


def _frozen_inputs(frozen: _Step, draw_id: str) -> DrawInputs:
    files = frozen.data["files"]
    if frozen.public_files is not None:
        return _public_inputs(frozen, draw_id)
    raw: list[bytes] = []
    for name in FILES:
        content = str(files[name]["content"]).encode("utf-8")
        if hashlib.sha256(content).hexdigest() != files[name]["sha256"]:
            raise _Problem("draw-files", f"{name}: the frozen content does not hash to the recorded "
                           f"{str(files[name]['sha256'])[:16]}…", frozen)
        raw.append(content)
    try:
        inputs = read_draw_inputs(*raw)
    except DrawFileError as exc:
        raise _Problem("draw-files", str(exc), frozen) from None
    return _check_params(inputs, frozen, draw_id)


def _public_inputs(frozen: _Step, draw_id: str) -> DrawInputs:
    """A public bundle's disclosed draw: three files from ``draws/<draw_id>/``, ``conflicts.csv``
    unknown (an empty one stands in; its recorded hash goes into PRE)."""
    files = frozen.data["files"]
    assert frozen.public_files is not None
    raw: dict[str, bytes] = {}
    for name in ("population", "inspectors", "params"):
        content = frozen.public_files.get(name)
        if content is None:
            raise _Problem("draw-files", f"the public bundle lacks the {name} file of a disclosed "
                           "draw", frozen)
        if hashlib.sha256(content).hexdigest() != files[name]["sha256"]:
            raise _Problem("draw-files", f"{name}: the file does not hash to the recorded "
                           f"{str(files[name]['sha256'])[:16]}…", frozen)
        raw[name] = content
    conflicts_hash = files["conflicts"]["sha256"]
    if not is_hash_hex(conflicts_hash):
        raise _Problem("draw-files", "conflicts: the recorded hash is not 64 hex digits", frozen)
    try:
        inputs = read_draw_inputs(raw["population"], raw["inspectors"],
                                  (CONFLICTS_HEADER + "\n").encode(), raw["params"])
    except DrawFileError as exc:
        raise _Problem("draw-files", str(exc), frozen) from None
    return _check_params(dataclasses.replace(inputs, conflicts_hash=conflicts_hash), frozen,
                         draw_id)


def _committed(steps: list[_Step], frozen: _Step, draw_id: str, public: bool) -> list[str] | None:
    """The conflicts' salted commitments the run recorded (:mod:`verify.conflict_commitments`),
    checked, where the frozen content is at hand, against the rows and their salts."""
    drawn = next((s for s in steps if s.name == "UnitsDrawn"), None)
    if drawn is None or drawn.data.get("conflict_commitments") is None:
        return None
    recorded = [str(c) for c in drawn.data["conflict_commitments"]]
    if public:
        return recorded  # (the rows are withheld: the auditor checks them)
    conflicts = frozen.data["files"]["conflicts"]
    try:
        expected = conflict_commitments(draw_id, str(conflicts["content"]),
                                        [str(s) for s in conflicts.get("salts", [])])
    except ConflictCommitmentError as exc:
        raise _Problem("draw-files", f"the conflict commitments recorded with the run cannot be "
                       f"checked: {exc}", drawn) from None
    if recorded != expected:
        raise _Problem("draw-files", "the conflict commitments recorded with the run are not those "
                       "of the frozen conflicts.csv rows and their salts", drawn)
    return recorded


def _check_params(inputs: DrawInputs, frozen: _Step, draw_id: str) -> DrawInputs:
    if inputs.params.draw_id != draw_id:
        raise _Problem("draw-files", f"params.txt names draw {inputs.params.draw_id}", frozen)
    plan = [f"{s['kind']}:{s['name']}" for s in frozen.data["entropy_plan"]]
    if list(inputs.params.entropy_plan) != plan:
        raise _Problem("draw-files", "params.txt announces another entropy plan than the one "
                       "recorded", frozen)
    return inputs


_AFTER_FIXING = {"UnitReplaced", "InspectorRecused", "Disclosed"}
_NO_STATE = {"RevealRefused", "SeedAttemptRefused", "SealedContentOpened"}


def _check_order(steps: list[_Step]) -> None:
    plan = steps[0].data["entropy_plan"]
    witnesses = {k for k, s in enumerate(plan, start=1) if s["kind"] == "witness"}
    committed: set[int] = set()
    recorded: set[int] = set()
    seen: set[str] = set()
    for step in steps[1:]:
        if "DrawBlocked" in seen and step.name not in _NO_STATE:
            raise _Problem("draw-order", f"{step.name} after the draw was blocked", step)
        if step.name == "WitnessCommitted":
            k = int(step.data["k"])
            if k not in witnesses or k in committed or recorded:
                raise _Problem("draw-order", f"commitment of source {k} is not allowed here "
                               "(not a witness, twice, or after a value was recorded)", step)
            committed.add(k)
        elif step.name == "EntropyRecorded":
            k = int(step.data["k"])
            if not 1 <= k <= len(plan) or k in recorded or "SeedDerived" in seen:
                raise _Problem("draw-order", f"value of source {k} is not allowed here", step)
            if witnesses - committed:
                raise _Problem("draw-order", f"value of source {k} recorded before every witness "
                               "committed", step)
            if k not in witnesses and witnesses - recorded:
                raise _Problem("draw-order", f"the {plan[k - 1]['kind']} value came before every "
                               "witness revealed", step)
            recorded.add(k)
        elif step.name == "SeedDerived":
            if "SeedDerived" in seen or len(recorded) != len(plan):
                raise _Problem("draw-order", "a seed before every source, or a second seed", step)
        elif step.name == "UnitsDrawn" and ("SeedDerived" not in seen or "UnitsDrawn" in seen):
            raise _Problem("draw-order", "the list drawn without a seed, or drawn twice", step)
        elif step.name == "ListFixed" and ("UnitsDrawn" not in seen or "ListFixed" in seen):
            raise _Problem("draw-order", "a list fixed before it was drawn, or fixed twice", step)
        elif step.name in _AFTER_FIXING and ("ListFixed" not in seen or "Disclosed" in seen):
            raise _Problem("draw-order", f"{step.name} before the list was fixed or after it "
                           "was disclosed", step)
        seen.add(step.name)


def _open_numbered(key: bytes, draw_id: str, n: int, step: _Step) -> tuple[int, bytes]:
    """A public bundle's amendment: the first number from ``n`` under which its details open (the
    withheld recusals before it used the numbers in between)."""
    for tried in range(n, n + MAX_INFERRED_CONFLICTS):
        try:
            return tried, open_sealed(key, draw_id, f"amendment.{tried}",
                                      str(step.data["sealed_details"]))
        except SealError:
            continue
    raise _Problem("draw-seal", f"the amendment's details open under no number from {n}", step)


def _open(key: bytes, draw_id: str, field_name: str, sealed: Any, step: _Step) -> bytes:
    try:
        return open_sealed(key, draw_id, field_name, str(sealed))
    except SealError as exc:
        raise _Problem("draw-seal", str(exc), step) from None


def _replay_disclosed(steps: list[_Step], inputs: DrawInputs, draw_id: str, disclosed: _Step,
                      public: bool = False) -> tuple[dict[str, tuple[str, ...]], list[tuple[str, str]]]:
    """Every sealed value checked; the teams as they stand after the amendments, and (public
    bundles) the (inspector, unit) pairs whose skips only a conflict explains."""
    try:
        key = key_from_hex(str(disclosed.data["key"]))
    except SealError as exc:
        raise _Problem("draw-seal", str(exc), disclosed) from None
    commitments = {int(s.data["k"]): str(s.data["commitment"])
                   for s in steps if s.name == "WitnessCommitted"}
    values: dict[int, str] = {}
    for step in steps:
        if step.name == "EntropyRecorded":
            k = int(step.data["k"])
            values[k] = _open(key, draw_id, f"entropy.{k}", step.data["sealed_value"],
                              step).decode("utf-8")
            if k in commitments and not reveal_matches(commitments[k], values[k]):
                raise _Problem("draw-reveal", f"the value of witness {k} does not hash to its "
                               "commitment", step)
    seeded = next(s for s in steps if s.name == "SeedDerived")
    try:
        result = run_draw(inputs, [values[k] for k in sorted(values)])
    except DrawError as exc:
        raise _Problem("draw-seed", str(exc), seeded) from None
    sealed_seed = loads_strict(_open(key, draw_id, "seed", seeded.data["sealed_seed"], seeded))
    if sealed_seed != {"pre": result.preimage, "seed": result.seed}:
        raise _Problem("draw-seed", "the sealed PRE and SEED are not those of the frozen hashes "
                       "and the values", seeded)
    if hashlib.sha256(result.seed.encode()).hexdigest() != seeded.data["seed_commitment"]:
        raise _Problem("draw-seed", "SHA256(SEED) is not the seed commitment recorded", seeded)
    skipped: list[tuple[str, str]] = []
    if public:
        drawn = next(s for s in steps if s.name == "UnitsDrawn")
        recorded = _open(key, draw_id, "assignment", drawn.data["sealed_assignment"], drawn)
        assignment, skipped = _explain_assignment(result, inputs, recorded)
        result = dataclasses.replace(result, assignment=assignment)
    _check_list(steps, key, draw_id, result.selection.csv_bytes(), result.assignment)
    return _check_amendments(steps, key, draw_id, inputs, result, public), skipped


def _explain_assignment(
    result: Any, inputs: DrawInputs, recorded: bytes,
) -> tuple[Assignment | InsufficientEligible, list[tuple[str, str]]]:
    """Re-run §6 taking as conflicts the (inspector, unit) pairs the recorded teams skip, until it
    gives the recorded ``assignment.csv`` (or cannot): the assignment and the pairs taken."""
    conflicts: list[Conflict] = []
    recorded_rows = recorded.split(b"\n")
    assignment: Assignment | InsufficientEligible = result.assignment
    for _ in range(MAX_INFERRED_CONFLICTS + 1):
        if not isinstance(assignment, Assignment):
            break
        rows = assignment.csv_bytes().split(b"\n")
        if rows == recorded_rows:
            break
        at = next((n for n, (a, b) in enumerate(zip(rows, recorded_rows, strict=False)) if a != b),
                  None)
        if at is None or at == 0:
            break
        ours, theirs = rows[at].split(b","), recorded_rows[at].split(b",")
        if len(theirs) < 3 or ours[0] != theirs[0] or len(conflicts) == MAX_INFERRED_CONFLICTS:
            break  # another unit, or too much to explain: the list check says it differs
        conflicts.append(Conflict(ours[2].decode(), ours[0].decode()))
        assignment = assign_inspectors(result.seed, result.selection, inputs.inspectors, conflicts,
                                       inputs.params.team_size, inputs.params.load_cap,
                                       inputs.params.spec)
    return assignment, [(c.inspector_id, c.unit_id) for c in conflicts]


def _check_list(steps: list[_Step], key: bytes, draw_id: str, selection: bytes,
                assignment: Assignment | InsufficientEligible) -> None:
    drawn = next(s for s in steps if s.name == "UnitsDrawn")
    if not isinstance(assignment, Assignment):
        raise _Problem("draw-list", f"the recomputed draw stops ({assignment.line}) but a list was "
                       "recorded", drawn)
    recomputed = {"selection": selection, "assignment": assignment.csv_bytes()}
    hashes = {}
    for name, data in recomputed.items():
        hashes[name] = hashlib.sha256(data).hexdigest()
        if hashes[name] != drawn.data[f"{name}_hash"]:
            raise _Problem("draw-list", f"recomputing the draw does not give the {name} fixed by "
                           "hash", drawn)
        if _open(key, draw_id, name, drawn.data[f"sealed_{name}"], drawn) != data:
            raise _Problem("draw-list", f"the sealed {name}.csv is not the recomputed one", drawn)
    fixed = next(s for s in steps if s.name == "ListFixed")
    combined = hashlib.sha256(f"{hashes['selection']}|{hashes['assignment']}".encode()).hexdigest()
    if fixed.data["list_hash"] != combined:
        raise _Problem("draw-list", "the ListFixed hash is not that of the drawn list", fixed)


def _check_amendments(steps: list[_Step], key: bytes, draw_id: str, inputs: DrawInputs,
                      result: Any, public: bool = False) -> dict[str, tuple[str, ...]]:
    teams: dict[str, tuple[str, ...]] = dict(result.assignment.teams())
    used: set[str] = set(teams)
    recused: dict[str, list[str]] = {}
    n = 0
    for step in steps:
        if step.name not in ("UnitReplaced", "InspectorRecused"):
            continue
        n += 1
        if public:  # withheld recusals take numbers too: the details open under their own number
            n, body = _open_numbered(key, draw_id, n, step)
        else:
            body = _open(key, draw_id, f"amendment.{n}", step.data["sealed_details"], step)
        if hashlib.sha256(body).hexdigest() != step.data["details_hash"]:
            raise _Problem("draw-amendment", "the details do not hash to the recorded hash", step)
        details = loads_strict(body)
        if not isinstance(details, dict):
            raise _Problem("draw-amendment", "the details are not a JSON object", step)
        if not str(details.get("reason", "")).strip() or not str(step.data.get("approved_by",
                                                                                 "")).strip():
            raise _Problem("draw-amendment", "an amendment after fixing without its reason or its "
                           "approver (不得随意变更)", step)
        unit = str(details["unit"])
        if unit not in teams:
            raise _Problem("draw-amendment", f"{unit} is not on the list when amended", step)
        if step.name == "UnitReplaced":
            alternate = replace_unit(result.selection, unit, used)
            expected = None if alternate is None else alternate.id
            if details.get("replacement") != expected:
                raise _Problem("draw-amendment", f"{unit} was replaced by "
                               f"{details.get('replacement')}, the ranking gives {expected}", step)
            team = teams.pop(unit)
            if expected is not None:
                teams[expected] = team
                used.add(expected)
        else:
            loads: dict[str, int] = {i.inspector_id: 0 for i in inputs.inspectors}
            for members in teams.values():
                for member in members:
                    loads[member] = loads.get(member, 0) + 1
            outcome = replace_inspector(result.seed, result.selection.unit(unit), teams[unit],
                                        str(details["recused"]), inputs.inspectors,
                                        inputs.conflicts, inputs.params.load_cap, loads,
                                        recused.get(unit, []), inputs.params.spec)
            got = details.get("replacement")
            if isinstance(outcome, InsufficientEligible) or outcome.replacement != got:
                raise _Problem("draw-amendment", f"the recusal on {unit} was filled by {got}, "
                               "not the next officer of the unit's order", step)
            teams[unit] = outcome.team
            recused.setdefault(unit, []).append(str(details["recused"]))
    return teams
