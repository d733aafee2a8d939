"""The accountability report (核验报告): per task, per officer and per agency, each step by the book
or not, with its evidence.

Built after the bundle pass (:func:`verify.ledger_check.verify_bundle_with_evidence`) from what the
pass kept (:class:`verify.ledger_check.Evidence`) and the findings of the run:

task     one unit drawn in one draw (``draw_id`` × ``unit``): the draw's list fixed (``ListFixed``;
         findings of the draw's earlier steps — the freeze, the entropy, the seed, the run — are
         attached to it), the inspection opened, the record filed and corrected, recusals requested,
         orders rectified, the result disclosed. Each step carries its log index, its entry (the
         event hash the log integrated), its date, its status (``ok`` / ``failed`` / ``late``) with
         the findings at its log index, and an RFC 9162 inclusion proof of its entry against the
         newest verified signed checkpoint that covers it.
officer  (by certificate number) the tasks they were on — as a member of the disclosed team, present
         at the visit, filing the record, or recused — and the status of their own steps (the
         records they were present at or filed, the recusals of them). An officer whose steps are
         all by the book is ``by_the_book`` (尽职照单免责: exempt from blame, seed 004 art. 15);
         one with a failed step ``not_by_the_book`` (失职, needs review); a record filed late makes
         its filer ``late`` (the others present are not blamed for the filing).
agency   the log's origin, division code and name, its draws, the tasks' counts, and the findings
         not tied to a task (hashes, chains, checkpoints, directories, plans, …).

Only findings of the rulebook and the draw (``rule-*``, ``draw-*``) and late steps are attached to
steps by log index; the integrity findings (a hash, a chain link, a checkpoint) belong to the
agency's log, not to an officer.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from verify.findings import Finding, Report
from verify.ledger_check import Evidence
from verify.merkle import hash_of_subtrees, inclusion_proof_ranges, perfect_subtrees

OK, FAILED, LATE = "ok", "failed", "late"
BY_THE_BOOK, NOT_BY_THE_BOOK, NO_STEPS = "by_the_book", "not_by_the_book", "no_steps"
_RECORD_STEPS = ("record_filed", "record_corrected")
_STEP_NAMES = {
    "Opened": "opened", "RecordFiled": "record_filed", "RecordCorrected": "record_corrected",
    "RecusalRequested": "recusal_requested", "OrderRectified": "order_rectified",
    "ResultDisclosed": "result_disclosed",
}
_DATES = {"fixed": "fixed_on", "record_filed": "filed_on", "record_corrected": "filed_on",
          "order_rectified": "rectified_on", "result_disclosed": "disclosed_on"}
_ACTORS = {"fixed": "fixed_by", "record_filed": "filed_by", "record_corrected": "filed_by",
           "recusal_requested": "decided_by", "order_rectified": "verified_by",
           "result_disclosed": "disclosed_by"}
_DETAILS = {
    "fixed": ("list_hash", "working_days_late"),
    "opened": ("unit_name",),
    "record_filed": ("due", "working_days_late"),
    "record_corrected": ("reason",),
    "recusal_requested": ("officer", "requested_by", "reason", "granted", "replacement"),
    "order_rectified": ("order", "evidence"),
    "result_disclosed": ("due", "working_days_late"),
}


def status_of(findings: list[Finding]) -> str:
    if any(f.severity != "late" for f in findings):
        return FAILED
    return LATE if findings else OK


def _worst(statuses: list[str]) -> str:
    return FAILED if FAILED in statuses else LATE if LATE in statuses else OK


def tied_to_a_step(finding: Finding) -> bool:
    """Whether a finding belongs to the step at its log index (rulebook, draw, lateness)."""
    return finding.index is not None and (
        finding.rule.startswith(("rule-", "draw-")) or finding.severity == "late")


@dataclass
class Proof:
    """An RFC 9162 §2.1.3 inclusion proof of one entry against a verified signed checkpoint."""

    tree_size: int
    root: bytes
    leaf_hash: bytes
    hashes: list[bytes]

    def as_dict(self) -> dict[str, Any]:
        return {"tree_size": self.tree_size, "root": _b64(self.root),
                "leaf_hash": _b64(self.leaf_hash), "hashes": [_b64(h) for h in self.hashes]}


@dataclass
class Step:
    step: str
    index: int
    line: int | None  # None: a public bundle's freeze (its draws/<draw_id>/freeze.json)
    entry: str
    date: str | None
    actor: str | None
    officers: list[str]
    detail: dict[str, Any]
    findings: list[Finding]
    proof: Proof | None

    @property
    def status(self) -> str:
        return status_of(self.findings)

    def as_dict(self) -> dict[str, Any]:
        return {"step": self.step, "status": self.status, "index": self.index, "line": self.line,
                "entry": self.entry, "date": self.date, "actor": self.actor,
                "officers": self.officers, "detail": self.detail,
                "findings": [f.as_dict() for f in self.findings],
                "proof": None if self.proof is None else self.proof.as_dict()}


@dataclass
class Task:
    draw_id: str
    unit: str
    unit_name: str
    team: list[str] | None
    steps: list[Step] = field(default_factory=list)
    record: dict[str, Any] | None = None

    @property
    def id(self) -> str:
        return f"{self.draw_id}/{self.unit}"

    @property
    def status(self) -> str:
        return _worst([s.status for s in self.steps])

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "draw_id": self.draw_id, "unit": self.unit,
                "unit_name": self.unit_name, "team": self.team, "status": self.status,
                "steps": [s.as_dict() for s in self.steps], "record": self.record}


@dataclass
class OfficerStep:
    step: str
    index: int
    status: str  # as it counts for this officer

    def as_dict(self) -> dict[str, Any]:
        return {"step": self.step, "index": self.index, "status": self.status}


@dataclass
class OfficerTask:
    task: str
    roles: list[str]
    steps: list[OfficerStep] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"task": self.task, "roles": self.roles, "steps": [s.as_dict() for s in self.steps]}


@dataclass
class Officer:
    certificate: str
    name: str
    tasks: list[OfficerTask] = field(default_factory=list)

    @property
    def status(self) -> str:
        statuses = [s.status for t in self.tasks for s in t.steps]
        if not statuses:
            return NO_STEPS
        worst = _worst(statuses)
        return NOT_BY_THE_BOOK if worst == FAILED else LATE if worst == LATE else BY_THE_BOOK

    def as_dict(self) -> dict[str, Any]:
        return {"certificate": self.certificate, "name": self.name, "status": self.status,
                "tasks": [t.as_dict() for t in self.tasks]}


@dataclass
class DrawSummary:
    draw_id: str
    kind: str
    period: str
    steps: list[Step]
    disclosed: bool
    findings: list[Finding]

    @property
    def status(self) -> str:
        return status_of(self.findings)

    def as_dict(self) -> dict[str, Any]:
        return {"draw_id": self.draw_id, "kind": self.kind, "period": self.period,
                "status": self.status, "disclosed": self.disclosed,
                "steps": [{"step": s.step, "index": s.index, "entry": s.entry, "date": s.date}
                          for s in self.steps],
                "findings": [f.as_dict() for f in self.findings]}


@dataclass
class Accountability:
    """The report's tasks, officers and agency (added to :meth:`Report.as_dict`)."""

    report: Report
    origin: str | None
    division_code: str | None
    agency_name: str | None
    draws: list[DrawSummary]
    tasks: list[Task]
    officers: list[Officer]
    agency_findings: list[Finding]

    def summary(self) -> dict[str, Any]:
        statuses = [t.status for t in self.tasks]
        officers = [o.status for o in self.officers]
        return {
            "ok": self.report.ok, "tasks": len(statuses),
            "passed": statuses.count(OK), "failed": statuses.count(FAILED),
            "late": statuses.count(LATE),
            "officers": {s: officers.count(s) for s in (BY_THE_BOOK, LATE, NOT_BY_THE_BOOK, NO_STEPS)},
            "findings": {"failed": len(self.report.failed), "late": len(self.report.late)},
        }

    def agency(self) -> dict[str, Any]:
        summary = self.summary()
        return {"origin": self.origin, "division_code": self.division_code,
                "name": self.agency_name, "draws": [d.as_dict() for d in self.draws],
                "tasks": summary["tasks"], "passed": summary["passed"],
                "failed": summary["failed"], "late": summary["late"],
                "findings": [f.as_dict() for f in self.agency_findings]}

    def as_dict(self) -> dict[str, Any]:
        """The run's :meth:`Report.as_dict` with ``summary``, ``agency``, ``tasks``, ``officers``."""
        data = self.report.as_dict()
        data.update(summary=self.summary(), agency=self.agency(),
                    tasks=[t.as_dict() for t in self.tasks],
                    officers=[o.as_dict() for o in self.officers])
        return data


def build_report(report: Report, evidence: Evidence) -> Accountability:
    """Gather the steps, their findings and their proofs (``report`` with all its findings)."""
    return _Builder(report, evidence).build()


class _Builder:
    def __init__(self, report: Report, evidence: Evidence) -> None:
        self.report = report
        self.evidence = evidence
        self.prover = _Prover(evidence)
        self.at: dict[int, list[Finding]] = {}
        for finding in report.findings:
            if tied_to_a_step(finding):
                assert finding.index is not None
                self.at.setdefault(finding.index, []).append(finding)
        self.attached: set[int] = set()  # log indices whose findings a task step shows

    def step(self, name: str, data: dict[str, Any], index: int, line: int | None,
             officers: list[str], extra: Sequence[int] = (), recorded: str = "") -> Step:
        findings = [f for i in (*extra, index) for f in self.at.get(i, [])]
        claimed = _text(data.get(_DATES.get(name, "")))
        return Step(
            step=name, index=index, line=line, entry=self.evidence.entry(index),
            date=claimed or recorded_day(recorded), actor=_text(data.get(_ACTORS.get(name, ""))),
            officers=officers, detail={k: data[k] for k in _DETAILS.get(name, ()) if k in data},
            findings=findings, proof=self.prover.proof(index))

    def build(self) -> Accountability:
        draws, fixed_steps = self._draws()
        teams = self.evidence.draws.teams
        tasks: dict[tuple[str, str], Task] = {}
        for trail in self.evidence.rules.trail.values():
            if not trail or trail[0].name != "Opened":
                continue
            opened = trail[0].data
            key = (str(opened.get("draw_id")), str(opened.get("unit")))
            team = teams.get(key[0], {}).get(key[1])
            task = tasks.setdefault(key, Task(key[0], key[1], str(opened.get("unit_name", "")),
                                              None if team is None else list(team)))
            if key[0] in fixed_steps and not task.steps:
                task.steps.append(fixed_steps[key[0]])
            for event in trail:
                name = _STEP_NAMES.get(event.name, event.name)
                task.steps.append(self.step(name, event.data, event.index, event.line,
                                            _officers_of(name, event.data),
                                            recorded=event.recorded))
                self.attached.add(event.index)
                if name in _RECORD_STEPS and isinstance(event.data.get("record"), dict):
                    task.record = event.data["record"]
        for draw_id, units in teams.items():  # units of a disclosed list not inspected (yet)
            for unit, team in units.items():
                if (draw_id, unit) not in tasks:
                    task = Task(draw_id, unit, "", list(team))
                    if draw_id in fixed_steps:
                        task.steps.append(fixed_steps[draw_id])
                    tasks[(draw_id, unit)] = task
        ordered = sorted(tasks.values(), key=lambda t: (t.draw_id, _first_index(t), t.unit))
        for draw_id in {t.draw_id for t in ordered if t.steps and t.steps[0].step == "fixed"}:
            self.attached.update(f.index for f in fixed_steps[draw_id].findings if f.index is not None)
        agency_findings = [f for f in self.report.findings
                           if not (tied_to_a_step(f) and f.index in self.attached)]
        established = self._established()
        return Accountability(
            report=self.report, origin=self.report.origin,
            division_code=_text(established.get("division_code")),
            agency_name=_text(established.get("name")), draws=draws, tasks=ordered,
            officers=self._officers(ordered), agency_findings=agency_findings)

    def _established(self) -> dict[str, Any]:
        known = list(self.evidence.rules.established.values())
        ours = [d for d in known if d.get("log_origin") == self.report.origin]
        return (ours or known or [{}])[0]

    def _draws(self) -> tuple[list[DrawSummary], dict[str, Step]]:
        summaries: list[DrawSummary] = []
        fixed: dict[str, Step] = {}
        for draw in self.evidence.draws.draws.values():
            first = draw.steps[0]
            data = first.data if first.name == "PopulationFrozen" else {}
            draw_id = str(data.get("draw_id", draw.aggregate_id))
            findings = [f for s in draw.steps for f in self.at.get(s.index, [])]
            shown: list[Step] = []
            before: list[int] = []
            for s in draw.steps:
                if s.name == "ListFixed" and draw_id not in fixed:
                    fixed[draw_id] = self.step("fixed", s.data, s.index, s.line, [], before)
                    shown.append(fixed[draw_id])
                elif s.name in ("PopulationFrozen", "Disclosed"):
                    when = {"PopulationFrozen": "frozen_on", "Disclosed": "disclosed_on"}[s.name]
                    shown.append(Step(_snake(s.name), s.index, s.line, self.evidence.entry(s.index),
                                      _text(s.data.get(when)), None, [], {}, [], None))
                if draw_id not in fixed:
                    before.append(s.index)
            summaries.append(DrawSummary(
                draw_id, str(data.get("kind", "")), str(data.get("period", "")), shown,
                any(s.name == "Disclosed" for s in draw.steps), findings))
        return sorted(summaries, key=lambda d: d.draw_id), fixed

    def _officers(self, tasks: list[Task]) -> list[Officer]:
        names = {o.cert: o.name for o in self.evidence.rules.officers.values()}
        officers: dict[str, Officer] = {}

        def on(cert: str, task: Task) -> OfficerTask:
            officer = officers.setdefault(cert, Officer(cert, names.get(cert, "")))
            if not officer.tasks or officer.tasks[-1].task != task.id:
                officer.tasks.append(OfficerTask(task.id, []))
            return officer.tasks[-1]

        def role(entry: OfficerTask, name: str) -> None:
            if name not in entry.roles:
                entry.roles.append(name)

        for task in tasks:
            for cert in task.team or []:
                role(on(cert, task), "team")
            for step in task.steps:
                for cert in step.officers:
                    entry = on(cert, task)
                    filer = step.step in _RECORD_STEPS and cert == step.actor
                    name = ("filed" if filer else "present") if step.step in _RECORD_STEPS \
                        else "recused"
                    role(entry, name)
                    status = step.status
                    if status == LATE and not filer:  # the filing is the filer's duty
                        status = OK
                    entry.steps.append(OfficerStep(step.step, step.index, status))
        return [officers[c] for c in sorted(officers)]


def _officers_of(step: str, data: dict[str, Any]) -> list[str]:
    """The officers whose own step this is: those present at a record and its filer; the officer
    recused."""
    if step in _RECORD_STEPS:
        record = data.get("record")
        present = record.get("officers", []) if isinstance(record, dict) else []
        certs = [str(c) for c in present if isinstance(c, str)] if isinstance(present, list) else []
        filer = data.get("filed_by")
        if isinstance(filer, str) and filer and filer not in certs:
            certs.append(filer)
        return certs
    if step == "recusal_requested" and isinstance(data.get("officer"), str):
        return [data["officer"]]
    return []


def _first_index(task: Task) -> int:
    own = [s.index for s in task.steps if s.step != "fixed"]
    return min(own) if own else -1


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def _text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def recorded_day(timestamp: str) -> str | None:
    """The day (China time, UTC+8) an event was recorded, for a step that claims no date of its
    own (a task opened with its first record)."""
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment + timedelta(hours=8)).date().isoformat()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class _Prover:
    """Inclusion proofs from the kept leaf hashes: the hashes of aligned perfect subtrees are built
    level by level once (about as many again as there are leaves), then each proof is a few
    lookups (:func:`verify.merkle.inclusion_proof_ranges`, :func:`~verify.merkle.perfect_subtrees`)."""

    def __init__(self, evidence: Evidence) -> None:
        self.evidence = evidence
        self.levels: list[bytes | bytearray] = [evidence.leaves]

    def proof(self, index: int) -> Proof | None:
        covering = [size for size in self.evidence.roots if size > index]
        if not covering:
            return None
        size = max(covering)
        hashes = [self._range(begin, end) for begin, end in inclusion_proof_ranges(index, size)]
        return Proof(size, self.evidence.roots[size], self.evidence.leaf(index), hashes)

    def _range(self, begin: int, end: int) -> bytes:
        return hash_of_subtrees([self._node(level, i) for level, i in perfect_subtrees(begin, end)])

    def _node(self, level: int, i: int) -> bytes:
        while len(self.levels) <= level:
            below = self.levels[-1]
            above = bytearray()
            for k in range(0, len(below) - 63, 64):
                above += hashlib.sha256(b"\x01" + below[k:k + 64]).digest()
            self.levels.append(above)
        return bytes(self.levels[level][32 * i:32 * i + 32])
