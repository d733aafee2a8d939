"""The event vocabulary as a specification (事件词汇规范): ``docs/events.schema.json``, checked here.

``docs/events.schema.json`` is a JSON Schema (draft 2020-12) document: every event type, its data
members, their JSON types and constraints, and ``x-public``, whether a public bundle carries the
event's body (``always``, ``once-disclosed`` or ``never``, with ``x-public-why``). The verifier
checks every event content object of a bundle against it (a violation is the finding
``event-schema``), and the public export reads ``x-public`` from it: one document for both.

``verify/`` needs only the standard library and ``cryptography``, so this module implements the
small part of JSON Schema 2020-12 that the document uses, compiled once into closures:

``type`` (one name or a list; ``integer`` is a JSON integer, never ``true``/``false``), ``enum``,
``const``, ``properties``, ``required``, ``additionalProperties`` (``false`` or a schema),
``items``, ``minItems``, ``minProperties``, ``pattern`` (Python ``re.search``; every pattern of the
document is anchored and uses only the syntax ECMA-262 and Python share), ``minimum``, ``maximum``,
``allOf``, ``if``/``then``, and local ``$ref`` (``#/$defs/<name>``). Annotations
(``description``, ``title``, ``$schema``, ``$id``, ``x-*``) are ignored. Any other keyword in the
document is refused when it is loaded, so the document cannot silently say more than this code
checks. The test suite checks with the ``jsonschema`` library that the document is a valid 2020-12
schema and that both give the same verdict.

Speed: the top-level ``allOf`` of ``if {type: const T} then {data: $defs[T]}`` is recognised and
dispatched through a dictionary, so an event is checked against its own type only.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).with_name("events.schema.json")

ALWAYS = "always"
ONCE_DISCLOSED = "once-disclosed"
NEVER = "never"

_ANNOTATIONS = frozenset({"description", "title", "$schema", "$id", "$defs", "$comment"})
_KEYWORDS = frozenset({
    "type", "enum", "const", "properties", "required", "additionalProperties", "items",
    "minItems", "minProperties", "pattern", "minimum", "maximum", "allOf", "if", "then", "$ref",
})
_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: type(v) is dict,
    "array": lambda v: type(v) is list,
    "string": lambda v: type(v) is str,
    "integer": lambda v: type(v) is int,
    "number": lambda v: type(v) in (int, float),
    "boolean": lambda v: type(v) is bool,
    "null": lambda v: v is None,
}

Path_ = tuple[Any, ...]
Check = Callable[[Any, Path_, list[str]], None]


class SchemaError(ValueError):
    """The schema document uses something this implementation does not check."""


def _where(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(the event)"


def _same(a: Any, b: Any) -> bool:
    """JSON equality: ``true`` is not ``1``."""
    if type(a) is bool or type(b) is bool:
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and bool(a == b)


class _Compiler:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.compiled: dict[str, Check] = {}

    def ref(self, target: str) -> Check:
        if not target.startswith("#/$defs/") or "/" in target[len("#/$defs/"):]:
            raise SchemaError(f"$ref {target!r}: only #/$defs/<name> is supported")
        name = target[len("#/$defs/"):].replace("~1", "/").replace("~0", "~")
        if name not in self.document.get("$defs", {}):
            raise SchemaError(f"$ref {target!r}: no such definition")
        if name not in self.compiled:
            box: list[Check] = []
            self.compiled[name] = lambda v, p, e: box[0](v, p, e)  # (recursion-safe)
            box.append(self.node(self.document["$defs"][name]))
            self.compiled[name] = box[0]
        return self.compiled[name]

    def node(self, schema: Any) -> Check:
        if schema is True:
            return lambda v, p, e: None
        if schema is False:
            return lambda v, p, e: e.append(f"{_where(p)}: not allowed")
        if not isinstance(schema, dict):
            raise SchemaError(f"a schema must be an object or a boolean, not {schema!r}")
        unknown = [k for k in schema if k not in _KEYWORDS and k not in _ANNOTATIONS
                   and not k.startswith("x-")]
        if unknown:
            raise SchemaError(f"keyword {unknown[0]!r} is not implemented by verify.events_schema")
        checks: list[Check] = []
        if "$ref" in schema:
            checks.append(self.ref(schema["$ref"]))
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            tests = [_TYPES[n] for n in names]
            label = " or ".join(names)
            if len(tests) == 1:
                test = tests[0]
                checks.append(lambda v, p, e: None if test(v) else e.append(
                    f"{_where(p)}: must be {label}, not {_json_type(v)}"))
            else:
                checks.append(lambda v, p, e: None if any(t(v) for t in tests) else e.append(
                    f"{_where(p)}: must be {label}, not {_json_type(v)}"))
        if "enum" in schema:
            options = list(schema["enum"])
            hashable = frozenset(o for o in options if isinstance(o, str))
            every_str = len(hashable) == len(options)

            def enum(v: Any, p: Path_, e: list[str]) -> None:
                if every_str and type(v) is str:
                    if v in hashable:
                        return
                elif any(_same(v, o) for o in options):
                    return
                e.append(f"{_where(p)}: {_short(v)} is not one of {_short(options)}")
            checks.append(enum)
        if "const" in schema:
            const = schema["const"]
            checks.append(lambda v, p, e: None if _same(v, const) else e.append(
                f"{_where(p)}: must be {_short(const)}"))
        if "pattern" in schema:
            search = re.compile(schema["pattern"]).search
            pattern = schema["pattern"]
            checks.append(lambda v, p, e: None if type(v) is not str or search(v) else e.append(
                f"{_where(p)}: {_short(v)} does not match {pattern}"))
        for word, compare, says in (("minimum", lambda v, m: v >= m, "at least"),
                                    ("maximum", lambda v, m: v <= m, "at most")):
            if word in schema:
                bound = schema[word]
                checks.append(functools.partial(_bound, bound, compare, says))
        if "minItems" in schema:
            least = schema["minItems"]
            checks.append(lambda v, p, e: None if type(v) is not list or len(v) >= least else
                          e.append(f"{_where(p)}: needs at least {least} item(s)"))
        if "minProperties" in schema:
            fewest = schema["minProperties"]
            checks.append(lambda v, p, e: None if type(v) is not dict or len(v) >= fewest else
                          e.append(f"{_where(p)}: needs at least {fewest} member(s)"))
        if "required" in schema:
            required = tuple(schema["required"])

            def needs(v: Any, p: Path_, e: list[str]) -> None:
                if type(v) is dict:
                    for name in required:
                        if name not in v:
                            e.append(f"{_where((*p, name))}: required")
            checks.append(needs)
        if "properties" in schema or "additionalProperties" in schema:
            checks.append(self.members(schema))
        if "items" in schema:
            item = self.node(schema["items"])

            def items(v: Any, p: Path_, e: list[str]) -> None:
                if type(v) is list:
                    for n, x in enumerate(v):
                        item(x, (*p, n), e)
            checks.append(items)
        if "allOf" in schema:
            checks.append(self.all_of(schema["allOf"]))
        if "if" in schema:
            condition = self.node(schema["if"])
            then = self.node(schema.get("then", True))

            def if_then(v: Any, p: Path_, e: list[str]) -> None:
                probe: list[str] = []
                condition(v, p, probe)
                if not probe:
                    then(v, p, e)
            checks.append(if_then)
        elif "then" in schema:
            pass  # "then" without "if" has no effect (2020-12 §10.2.2.2)
        if len(checks) == 1:
            return checks[0]

        def every(v: Any, p: Path_, e: list[str]) -> None:
            for check in checks:
                check(v, p, e)
        return every

    def members(self, schema: dict[str, Any]) -> Check:
        properties = {k: self.node(s) for k, s in schema.get("properties", {}).items()}
        extra = schema.get("additionalProperties", True)
        other = None if extra is True else self.node(extra) if extra is not False else None
        closed = extra is False

        def check(v: Any, p: Path_, e: list[str]) -> None:
            if type(v) is not dict:
                return
            for name, value in v.items():
                sub = properties.get(name)
                if sub is not None:
                    sub(value, (*p, name), e)
                elif closed:
                    e.append(f"{_where((*p, name))}: not a member of this type")
                elif other is not None:
                    other(value, (*p, name), e)
        return check

    def all_of(self, parts: list[Any]) -> Check:
        dispatch = _dispatch_table(parts)
        if dispatch is not None:
            member, table = dispatch
            compiled = {const: self.node(then) for const, then in table.items()}
            every = list(compiled.values())

            def by_type(v: Any, p: Path_, e: list[str]) -> None:
                if type(v) is dict and member in v:
                    key = v[member]
                    chosen = compiled.get(key) if isinstance(key, str) else None
                    if chosen is not None:
                        chosen(v, p, e)
                    return
                for then in every:  # no such member: every "if" holds vacuously
                    then(v, p, e)
            return by_type
        checks = [self.node(s) for s in parts]

        def all_(v: Any, p: Path_, e: list[str]) -> None:
            for check in checks:
                check(v, p, e)
        return all_


def _bound(bound: Any, compare: Callable[[Any, Any], bool], says: str, v: Any, p: Path_,
           e: list[str]) -> None:
    if type(v) in (int, float) and not compare(v, bound):
        e.append(f"{_where(p)}: must be {says} {bound}")


def _dispatch_table(parts: list[Any]) -> tuple[str, dict[str, Any]] | None:
    """``allOf`` made only of ``{"if": {"properties": {M: {"const": "…"}}}, "then": …}`` on one
    member M with distinct string constants: (M, constant → then)."""
    member = None
    table: dict[str, Any] = {}
    for part in parts:
        if not isinstance(part, dict) or set(part) != {"if", "then"}:
            return None
        condition = part["if"]
        if not isinstance(condition, dict) or set(condition) != {"properties"}:
            return None
        props = condition["properties"]
        if not isinstance(props, dict) or len(props) != 1:
            return None
        (name, test), = props.items()
        if not isinstance(test, dict) or set(test) != {"const"} or not isinstance(test["const"], str):
            return None
        if member not in (None, name) or test["const"] in table:
            return None
        member = name
        table[test["const"]] = part["then"]
    return (member, table) if member is not None else None


def _json_type(v: Any) -> str:
    for name in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if _TYPES[name](v):
            return name
    return type(v).__name__


def _short(v: Any) -> str:
    text = json.dumps(v, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


class EventSchema:
    """The compiled document: :meth:`problems` of one event content object, and each type's
    ``x-public``."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._check = _Compiler(document).node(document)
        defs = document.get("$defs", {})
        types = document.get("properties", {}).get("type", {}).get("enum", [])
        self.types: tuple[str, ...] = tuple(types)
        self.publicity: dict[str, str] = {t: str(defs[t].get("x-public", NEVER)) for t in types}
        self.why: dict[str, str] = {t: str(defs[t].get("x-public-why", "")) for t in types}

    def problems(self, event: Any) -> list[str]:
        """Every violation (``[]``: the event is valid), each naming the member and the rule."""
        errors: list[str] = []
        self._check(event, (), errors)
        return errors

    def public(self, event_type: str) -> str:
        """``always``, ``once-disclosed`` or ``never`` (an unknown type: ``never``)."""
        return self.publicity.get(event_type, NEVER)


@functools.cache
def event_schema() -> EventSchema:
    """The event vocabulary of this verifier (``verify/events.schema.json``, which is
    ``docs/events.schema.json``)."""
    with SCHEMA_FILE.open(encoding="utf-8") as handle:
        return EventSchema(json.load(handle))
