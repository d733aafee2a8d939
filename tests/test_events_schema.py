"""The event vocabulary as a specification: docs/events.schema.json, the event classes and verify/.

The schema is checked three ways: it is a valid JSON Schema 2020-12 document (``jsonschema``); it
says exactly what the event classes of ``ledger/`` write (their fields and JSON types, introspected);
and the verifier's own small implementation (:mod:`verify.events_schema`) gives the same verdict
as ``jsonschema`` on every event of the demo and on damaged copies of them.
"""

from __future__ import annotations

import copy
import json
import types
import typing
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from ceremony_steps import PLAN, WITNESS_VALUES, commitment, fixed
from commands import run
from conftest import COUNTY
from eventsourcing.domain import CanMutateAggregate

from ledger.domain.agency import Agency, agency_id
from ledger.domain.chained import META_FIELDS, content_of
from ledger.domain.directory import InspectionObject, object_id
from ledger.domain.inspection import Inspection
from ledger.domain.inspector import Inspector
from ledger.domain.vocabulary import AGGREGATES
from ledger.services.ceremony import Ceremony, CeremonyError
from ledger.services.ledger import Ledger
from verify.event import CONTENT_KEYS
from verify.events_schema import SCHEMA_FILE, EventSchema, SchemaError, event_schema
from verify.line_work import content_problems, is_content
from verify.log_keys import handover_text
from verify.note import generate_signer, sign_note

DOCS_SCHEMA = Path(__file__).parent.parent / "docs" / "events.schema.json"
_JSON_TYPES = {str: "string", int: "integer", bool: "boolean", dict: "object", list: "array"}


def _document() -> dict[str, Any]:
    return dict(json.loads(DOCS_SCHEMA.read_text(encoding="utf-8")))


def _event_classes() -> dict[str, type[Any]]:
    classes = {}
    for aggregate in AGGREGATES:
        for value in vars(aggregate).values():
            if (isinstance(value, type) and issubclass(value, CanMutateAggregate)
                    and value.__name__ not in ("Event", "Created")):
                classes[getattr(value, "TOPIC")] = value  # noqa: B009 (set by stable_topics)
    return classes


def _json_types(annotation: Any) -> set[str]:
    """The JSON types a field's annotation admits (``list[str] | None``: array and null)."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return set().union(*(_json_types(a) for a in typing.get_args(annotation)))
    if annotation is type(None):
        return {"null"}
    return {_JSON_TYPES[typing.get_origin(annotation) or annotation]}


def _declared_types(member: dict[str, Any]) -> set[str]:
    if "type" in member:
        return set(member["type"]) if isinstance(member["type"], list) else {member["type"]}
    values = member.get("enum", []) + ([member["const"]] if "const" in member else [])
    return {_JSON_TYPES[type(v)] for v in values}


def test_the_schema_is_a_valid_json_schema_2020_12_document() -> None:
    document = _document()
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)
    assert SCHEMA_FILE.read_bytes() == DOCS_SCHEMA.read_bytes()  # the verifier reads the same file


def test_every_event_class_and_the_schema_agree_on_types_fields_and_json_types() -> None:
    document = _document()
    classes = _event_classes()
    assert sorted(classes) == document["properties"]["type"]["enum"]
    for topic, cls in classes.items():
        data = document["$defs"][topic]
        hints = {name: hint for name, hint in typing.get_type_hints(cls).items()
                 if name not in META_FIELDS and name != "originator_id_type"}
        assert set(data["properties"]) == set(hints) | {"actor"}, topic
        if "originator_topic" in hints:
            assert data["properties"]["originator_topic"] == {"const": topic.rsplit(".", 1)[0]}
        assert data["additionalProperties"] is False
        assert data["x-public"] in ("always", "once-disclosed", "never"), topic
        assert data["x-public"] == "always" or data["x-public-why"], topic
        for name, hint in hints.items():
            member = data["properties"][name]
            if "$ref" in member:
                member = document["$defs"][member["$ref"].rsplit("/", 1)[1]]
            declared = _declared_types(member)
            assert _json_types(hint) == declared or _json_types(hint) <= declared - {"null"}, \
                f"{topic}.{name}: the class says {hint}, the schema {declared}"
            if name not in data["required"]:  # a field older events lack says so
                assert "lack" in member.get("description", ""), f"{topic}.{name}"


@pytest.fixture(scope="module")
def demo_events(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    directory = tmp_path_factory.mktemp("schema-demo")
    assert run(directory, "spotcheck", "demo", "--units", "60").returncode == 0
    events = []
    for code in ("652300", "652301"):
        assert run(directory, "spotcheck", "export", "--log", code, "--out", code).returncode == 0
        events += [json.loads(line)["event"]
                   for line in (directory / code / "events.jsonl").read_text().splitlines()]
    return events


def test_every_event_of_the_demo_is_valid_for_both_implementations(
        demo_events: list[dict[str, Any]]) -> None:
    reference = jsonschema.Draft202012Validator(_document())
    ours = event_schema()
    assert len({e["type"] for e in demo_events}) >= 23
    for event in demo_events:
        assert list(reference.iter_errors(event)) == [], event["type"]
        assert ours.valid(event) and ours.explain(event) == [], event["type"]


def _damaged(event: dict[str, Any]) -> list[Any]:
    """Copies of ``event`` each broken (or not) in one way."""
    out: list[Any] = []
    data = event["data"]
    for name, value in data.items():
        without = copy.deepcopy(event)
        del without["data"][name]
        out.append(without)
        others: tuple[Any, ...] = ("text", 7, True, None, [], {}, -1, "2026-13-45")
        for other in others:
            changed = copy.deepcopy(event)
            changed["data"][name] = other
            out.append(changed)
        if isinstance(value, dict | list) and value:
            inner = copy.deepcopy(event)
            first = next(iter(value)) if isinstance(value, dict) else 0
            inner["data"][name][first] = None
            out.append(inner)
    extra = copy.deepcopy(event)
    extra["data"]["unexpected"] = "x"
    out.append(extra)
    actor = copy.deepcopy(event)
    actor["data"]["actor"] = {"account": "zhangsan", "role": "operator"}
    out.append(actor)
    for key, other in (("version", 0), ("version", True), ("timestamp", "2026-01-01T00:00:00Z"),
                       ("type", "ledger.nowhere:Nothing.Happened"), ("prev_hash", "0" * 63),
                       ("aggregate_id", "not-a-uuid")):
        changed = copy.deepcopy(event)
        changed[key] = other
        out.append(changed)
    out += [None, [], "event", {"type": event["type"]}]
    return out


def test_the_verifier_and_jsonschema_give_the_same_verdict_on_damaged_events(
        demo_events: list[dict[str, Any]]) -> None:
    reference = jsonschema.Draft202012Validator(_document())
    ours = event_schema()
    one_of_each = {e["type"]: e for e in demo_events}
    compared = invalid = 0
    for event in one_of_each.values():
        for damaged in _damaged(event):
            expected = reference.is_valid(damaged)
            assert ours.valid(damaged) == expected, json.dumps(damaged)[:300]  # the fast path
            assert (ours.explain(damaged) == []) == expected, json.dumps(damaged)[:300]
            compared += 1
            invalid += not expected
    assert compared > 1000 and 0 < invalid < compared


def test_a_keyword_the_verifier_does_not_implement_is_refused() -> None:
    with pytest.raises(SchemaError, match="oneOf"):
        EventSchema({"type": "object", "oneOf": [{"type": "object"}]})
    with pytest.raises(SchemaError, match="only #/\\$defs"):
        EventSchema({"$ref": "https://example.invalid/other.json"})


def test_the_schema_says_which_events_a_public_bundle_carries() -> None:
    schema = event_schema()
    assert schema.public("ledger.inspection:Inspection.ResultDisclosed") == "always"
    assert schema.public("ledger.inspection:Inspection.Opened") == "once-disclosed"
    for personal in ("ledger.directory:InspectionObject.Registered",
                     "ledger.inspector:Inspector.ConflictDeclared",
                     "ledger.inspection:Inspection.RecordFiled",
                     "ledger.draw:Draw.PopulationFrozen", "ledger.nowhere:Unknown.Type"):
        assert schema.public(personal) == "never"


def _contents(aggregate: Any) -> list[dict[str, Any]]:
    return [content_of(event) for event in aggregate.collect_events()]


def _every_other_type(county: Ledger, ceremony: Ceremony) -> list[dict[str, Any]]:
    """Real events of the types the demo does not write: the directories' changes, a key rotation,
    a refused reveal, a refused seed, a blocked draw, an opening, a replaced unit, a recusal."""
    agency = str(agency_id(COUNTY))
    unit = InspectionObject.register(agency, "昌吉市测试化工有限公司", "91652301MAU5UBED5B",
                                     "general", "昌吉市", phone="18150697754")
    unit.update({"phone": "13900000000"}, "电话变更")
    unit.reclassify("key", "纳入重点排污单位", control_level="city")
    unit.mark_special(["群众投诉较多"], "局长")
    unit.lift_special("整改到位", "局长")
    unit.suspend("停产")
    unit.resume("复产")
    unit.relocate("迁出本辖区", "乌鲁木齐市")
    other = InspectionObject.register(agency, "昌吉市测试修理厂", "91652301MA77G7H86H", "general",
                                      "昌吉市")
    other.close("注销")
    officer = Inspector.register(agency, "测试员", "65230199999", "科员")
    officer.record_leave("2026-01-05", "2026-01-09", "年休假")
    officer.declare_conflict(str(unit.id), "近亲属")
    officer.withdraw_conflict(str(unit.id), "关系已解除", "局长")
    officer.deactivate("调离")
    officer.reactivate("调回")
    established = Agency.establish("测试局", "652302", "county_city",
                                   log_origin="652302.spotcheck.gov.cn/spotcheck")
    old, new = (generate_signer("652302.spotcheck.gov.cn/spotcheck") for _ in range(2))
    handover = sign_note(handover_text(new.verifier_key_text()), [old])
    established.rotate_log_key(new.verifier_key_text(), old.verifier_key_text(), handover,
                               "定期轮换", "办公室")
    events = _contents(unit) + _contents(other) + _contents(officer) + _contents(established)

    draw_id = fixed(ceremony)
    with pytest.raises(CeremonyError):
        ceremony.derive_seed(draw_id, "某人")  # refused, and recorded
    ceremony.open_list(draw_id, "审计员", "季度审计")
    opened = ceremony.open(draw_id)
    first, second = list(opened.teams)[:2]
    county.app.close_object(object_id(agency, first), "企业已关停")
    ceremony.replace_unit(draw_id, first, "企业已关停，依规剔除", "局长")
    ceremony.recuse(draw_id, second, opened.teams[second][0], "近亲属", "局长")
    ceremony.disclose(draw_id, "局长", date(2026, 4, 1))
    blocked = ceremony.freeze(COUNTY, "2026Q2", date(2026, 3, 30), PLAN)
    for k, value in WITNESS_VALUES.items():
        ceremony.commit(blocked.draw_id, k, "见证人", "纪检", commitment(value))
    with pytest.raises(CeremonyError):
        ceremony.record_entropy(blocked.draw_id, 1, "another value", [])  # refused, and recorded
    ceremony.block(blocked.draw_id, "WITNESS_ABSENT", "见证人未到场", "局长")
    for draw in (ceremony.draw(draw_id), ceremony.draw(blocked.draw_id)):
        stored = ceremony.app.events.get(draw.id)
        events += [content_of(event) for event in stored]
    return events


def test_every_event_type_the_ledger_writes_is_valid_for_both_implementations(
        county: Ledger, ceremony: Ceremony, demo_events: list[dict[str, Any]]) -> None:
    reference = jsonschema.Draft202012Validator(_document())
    ours = event_schema()
    events = _every_other_type(county, ceremony)
    filed = next(e for e in demo_events if e["type"].endswith("Inspection.RecordFiled"))
    record = filed["data"]["record"]
    inspection = Inspection(agency_id=str(agency_id(COUNTY)), draw_id="652301-2026Q1-units",
                            unit="91652301MAU5UBED5B", unit_name="昌吉市测试化工有限公司")
    inspection.file(record, record["officers"][0], "2026-01-06", "2026-01-15", 0)
    inspection.correct(dict(record, place="企业办公楼"), "地点笔误", record["officers"][0],
                       "2026-01-07")
    events += _contents(inspection)
    for event in events:
        assert list(reference.iter_errors(event)) == [], event
        assert ours.valid(event) and ours.explain(event) == [], event
    written = {e["type"] for e in events} | {e["type"] for e in demo_events}
    assert written == set(ours.types)  # every type of the vocabulary, as the ledger writes it
    one_of_each = {e["type"]: e for e in events}
    for event in one_of_each.values():
        for damaged in _damaged(event):
            expected = reference.is_valid(damaged)
            assert ours.valid(damaged) == expected and (ours.explain(damaged) == []) == expected


def test_an_event_the_schema_finds_valid_is_event_content(demo_events: list[dict[str, Any]]) -> None:
    """The verifier checks an event's shape once (:func:`verify.line_work.content_problems`):
    the schema requires exactly the content keys with their types, so a valid event is content
    once its ``prev_hash`` is a hash's exact form."""
    ours = event_schema()
    one_of_each = {e["type"]: e for e in demo_events}
    damaged = [d for event in one_of_each.values() for d in _damaged(event)]
    for event in one_of_each.values():
        for key in CONTENT_KEYS:
            others: tuple[Any, ...] = ("text", 7, True, None, [], {}, "0" * 64, "0" * 64 + "\n")
            for other in others:
                changed = copy.deepcopy(event)
                changed[key] = other
                damaged.append(changed)
            missing = copy.deepcopy(event)
            del missing[key]
            damaged.append(missing)
        extra = copy.deepcopy(event)
        extra["extra"] = "x"
        damaged.append(extra)
    shapes = 0
    for event in damaged:
        found = content_problems(event, ours)
        assert (found is not None) == is_content(event), json.dumps(event)[:300]
        if found is not None:
            assert found == ours.problems(event)
            shapes += 1
    assert shapes > 100 and len(damaged) - shapes > 100
