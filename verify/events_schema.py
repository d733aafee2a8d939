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

Speed: each schema is compiled twice: into a predicate (:class:`_Fast`: one argument, no paths,
no messages, the common shapes — a typed string with a pattern, an enumeration of strings, a
closed object — as single small functions) that answers "valid?" for every event, and into the
checks that name every violation, run only for an event the predicate refuses. The top-level
``allOf`` of ``if {type: const T} then {data: $defs[T]}`` is recognised and dispatched through a
dictionary, so an event is checked against its own type only.
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


Ok = Callable[[Any], bool]


def _always(v: Any) -> bool:
    return True


class _Fast:
    """The predicate compiler: the same keywords as :class:`_Compiler`, the same verdict."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.compiled: dict[str, Ok] = {}
        self.compiling: set[str] = set()

    def ref(self, target: str) -> Ok:
        name = target[len("#/$defs/"):].replace("~1", "/").replace("~0", "~")
        if name in self.compiled:
            return self.compiled[name]
        if name in self.compiling:  # a recursive definition: resolved when called
            return lambda v: self.compiled[name](v)
        self.compiling.add(name)
        self.compiled[name] = self.node(self.document["$defs"][name])
        self.compiling.discard(name)
        return self.compiled[name]

    def node(self, schema: Any) -> Ok:
        if schema is True:
            return _always
        if schema is False:
            return lambda v: False
        keys = {k for k in schema if k not in _ANNOTATIONS and not k.startswith("x-")}
        if keys == {"$ref"}:
            return self.ref(schema["$ref"])
        checks: list[Ok] = []
        rest = set(keys)
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            rest.discard("type")
            if names == ["string"] and "pattern" in schema:
                search = re.compile(schema["pattern"]).search
                rest.discard("pattern")
                if not rest:
                    return lambda v: type(v) is str and search(v) is not None
                checks.append(lambda v: type(v) is str and search(v) is not None)
            elif names == ["object"] and ("properties" in schema or "required" in schema
                                          or "additionalProperties" in schema):
                checks.append(self.object(schema, typed=True))
                rest -= {"properties", "required", "additionalProperties"}
            elif len(names) == 1:
                test = _TYPES[names[0]]
                if not rest:
                    return test
                checks.append(test)
            else:
                tests = tuple(_TYPES[n] for n in names)
                checks.append(lambda v: any(t(v) for t in tests))
        if "enum" in schema:
            rest.discard("enum")
            options = list(schema["enum"])
            if all(isinstance(o, str) for o in options):
                allowed = frozenset(options)
                checks.append(lambda v: type(v) is str and v in allowed)
            else:
                checks.append(lambda v: any(_same(v, o) for o in options))
        if "const" in schema:
            rest.discard("const")
            const = schema["const"]
            checks.append(lambda v: _same(v, const))
        if "pattern" in rest:
            rest.discard("pattern")
            search = re.compile(schema["pattern"]).search
            checks.append(lambda v: type(v) is not str or search(v) is not None)
        if "minimum" in rest:
            rest.discard("minimum")
            least = schema["minimum"]
            checks.append(lambda v: type(v) not in (int, float) or v >= least)
        if "maximum" in rest:
            rest.discard("maximum")
            most = schema["maximum"]
            checks.append(lambda v: type(v) not in (int, float) or v <= most)
        if "minItems" in rest:
            rest.discard("minItems")
            items_least = schema["minItems"]
            checks.append(lambda v: type(v) is not list or len(v) >= items_least)
        if "minProperties" in rest:
            rest.discard("minProperties")
            fewest = schema["minProperties"]
            checks.append(lambda v: type(v) is not dict or len(v) >= fewest)
        if rest & {"properties", "required", "additionalProperties"}:
            rest -= {"properties", "required", "additionalProperties"}
            checks.append(self.object(schema, typed=False))
        if "items" in rest:
            rest.discard("items")
            item = self.node(schema["items"])
            checks.append(lambda v: type(v) is not list or all(item(x) for x in v))
        if "$ref" in rest:
            rest.discard("$ref")
            checks.append(self.ref(schema["$ref"]))
        if "allOf" in rest:
            rest.discard("allOf")
            checks.append(self.all_of(schema["allOf"]))
        if "if" in rest:
            rest -= {"if", "then"}
            condition = self.node(schema["if"])
            then = self.node(schema.get("then", True))
            checks.append(lambda v: not condition(v) or then(v))
        rest.discard("then")
        assert not rest, rest  # (_Compiler refuses unknown keywords first)
        if not checks:
            return _always
        if len(checks) == 1:
            return checks[0]
        if len(checks) == 2:
            first, second = checks
            return lambda v: first(v) and second(v)
        return lambda v: all(check(v) for check in checks)

    def object(self, schema: dict[str, Any], typed: bool) -> Ok:
        properties = {k: self.node(s) for k, s in schema.get("properties", {}).items()}
        required = tuple(schema.get("required", ()))
        extra = schema.get("additionalProperties", True)
        closed = extra is False
        other = None if extra is True or closed else self.node(extra)

        def ok(v: Any) -> bool:
            if type(v) is not dict:
                return not typed
            for name in required:
                if name not in v:
                    return False
            get = properties.get
            for name, value in v.items():
                sub = get(name)
                if sub is not None:
                    if not sub(value):
                        return False
                elif closed or (other is not None and not other(value)):
                    return False
            return True
        return ok

    def all_of(self, parts: list[Any]) -> Ok:
        dispatch = _dispatch_table(parts)
        if dispatch is not None:
            member, table = dispatch
            compiled = {const: self.node(then) for const, then in table.items()}
            every = list(compiled.values())

            def by_type(v: Any) -> bool:
                if type(v) is dict and member in v:
                    key = v[member]
                    chosen = compiled.get(key) if isinstance(key, str) else None
                    return chosen is None or chosen(v)
                return all(then(v) for then in every)
            return by_type
        checks = [self.node(s) for s in parts]
        return lambda v: all(check(v) for check in checks)


class _Generated:
    """The predicate as generated Python source: straight-line code for the shapes the document
    uses most (closed objects, typed strings with patterns, enumerations, string constants, arrays,
    local references), falling back to a :class:`_Fast` predicate for anything else. Same verdict as
    :class:`_Fast` (the tests check both against ``jsonschema``); about twice as fast."""

    def __init__(self, document: dict[str, Any], fast: _Fast) -> None:
        self.document = document
        self.fast = fast
        self.names: dict[str, Any] = {"_MISSING": _MISSING}
        self.counter = 0
        self.inlining: list[str] = []

    def constant(self, value: Any, prefix: str) -> str:
        self.counter += 1
        name = f"_{prefix}{self.counter}"
        self.names[name] = value
        return name

    def function(self, schema: Any) -> Ok:
        lines = ["def _check(v0):", "  try:", *self.lines(schema, "v0", 1), "    return True",
                 "  except KeyError:", "    return False"]
        code = "\n".join(lines)
        exec(compile(code, "<verify.events_schema>", "exec"), self.names)  # (our own text)
        checker: Ok = self.names.pop("_check")
        return checker

    def fallback(self, schema: Any, var: str, pad: str) -> list[str]:
        name = self.constant(self.fast.node(schema), "F")
        return [f"{pad}if not {name}({var}): return False"]

    def lines(self, schema: Any, var: str, depth: int) -> list[str]:
        pad = "    " * depth
        if schema is True:
            return []
        if not isinstance(schema, dict):
            return self.fallback(schema, var, pad)
        keys = {k for k in schema if k not in _ANNOTATIONS and not k.startswith("x-")}
        if keys == {"$ref"}:
            target = schema["$ref"]
            if target in self.inlining or len(self.inlining) > 16:  # recursion: not inlined
                return self.fallback(schema, var, pad)
            name = target[len("#/$defs/"):].replace("~1", "/").replace("~0", "~")
            self.inlining.append(target)
            try:
                return self.lines(self.document["$defs"][name], var, depth)
            finally:
                self.inlining.pop()
        handled = {"type", "pattern", "enum", "const", "properties", "required",
                   "additionalProperties", "items", "minItems", "minimum", "maximum"}
        if "const" in keys and not isinstance(schema["const"], str):
            return self.fallback(schema, var, pad)
        dispatch = _dispatch_table(schema["allOf"]) if "allOf" in keys else None
        if dispatch is not None:
            keys = keys - {"allOf"}
        if keys - handled:
            return self.fallback(schema, var, pad)
        names = schema.get("type")
        names = names if isinstance(names, list) else [names] if names else []
        out: list[str] = []
        if len(names) == 1:
            test = {"object": "dict", "array": "list", "string": "str", "integer": "int",
                    "boolean": "bool"}.get(names[0])
            if test is None:
                return self.fallback(schema, var, pad)
            out.append(f"{pad}if type({var}) is not {test}: return False")
        elif names:
            return self.fallback(schema, var, pad)
        single = names[0] if names else None
        if "enum" in schema:
            options = schema["enum"]
            if not all(isinstance(o, str) for o in options):
                return self.fallback(schema, var, pad)
            allowed = self.constant(frozenset(options), "E")
            out.append(f"{pad}if type({var}) is not str or {var} not in {allowed}: return False")
        if "const" in schema:  # (a string: the only kind the generated code takes)
            const = self.constant(schema["const"], "C")
            out.append(f"{pad}if type({var}) is not str or {var} != {const}: return False")
        if "pattern" in schema:
            search = self.constant(re.compile(schema["pattern"]).search, "R")
            guard = "" if single == "string" else f"type({var}) is str and "
            out.append(f"{pad}if {guard}{search}({var}) is None: return False")
        for word, op in (("minimum", "<"), ("maximum", ">")):
            if word in schema:
                bound = self.constant(schema[word], "B")
                guard = "" if single == "integer" else f"type({var}) in (int, float) and "
                out.append(f"{pad}if {guard}{var} {op} {bound}: return False")
        if "minItems" in schema:
            guard = "" if single == "array" else f"type({var}) is list and "
            out.append(f"{pad}if {guard}len({var}) < {int(schema['minItems'])}: return False")
        if "items" in schema:
            item = f"v{depth + 1}"
            body = self.lines(schema["items"], item, depth + 2 if single != "array" else depth + 1)
            if body:
                if single == "array":
                    out += [f"{pad}for {item} in {var}:", *body]
                else:
                    out += [f"{pad}if type({var}) is list:", f"{pad}    for {item} in {var}:", *body]
        if keys & {"properties", "required", "additionalProperties"}:
            if single == "object":
                out += self.members(schema, var, depth)
            elif single is None:
                body = self.members(schema, var, depth + 1)
                if body:
                    out += [f"{pad}if type({var}) is dict:", *body]
            else:
                return self.fallback(schema, var, pad)
        if dispatch is not None:
            member, table = dispatch
            chosen = self.constant({c: self.function(then) for c, then in table.items()}, "T")
            every = self.constant(self.fast.all_of(schema["allOf"]), "A")
            out += [f"{pad}if type({var}) is dict and {member!r} in {var}:",
                    f"{pad}    c{depth} = {var}[{member!r}]",
                    f"{pad}    c{depth} = {chosen}.get(c{depth}) if type(c{depth}) is str else None",
                    f"{pad}    if c{depth} is not None and not c{depth}({var}): return False",
                    f"{pad}elif not {every}({var}): return False"]
        return out

    def members(self, schema: dict[str, Any], var: str, depth: int) -> list[str]:
        pad = "    " * depth
        properties = schema.get("properties", {})
        required = set(schema.get("required", ()))
        extra = schema.get("additionalProperties", True)
        out: list[str] = []
        for name in required - set(properties):
            out.append(f"{pad}if {name!r} not in {var}: return False")
        if not properties:
            if extra is not True:
                value = f"v{depth + 1}"
                body = self.lines(extra, value, depth + 1) if extra is not False else [
                    f"{pad}    return False"]
                if body:
                    out += [f"{pad}for {value} in {var}.values():", *body]
            return out
        if extra is False and required <= set(properties):
            return out + self.closed_members(properties, required, var, depth)
        count = f"n{depth}"
        if extra is False:
            out.append(f"{pad}{count} = 0")
        for name, sub in properties.items():
            value = f"v{depth + 1}"
            out.append(f"{pad}{value} = {var}.get({name!r}, _MISSING)")
            body = self.lines(sub, value, depth + 1)
            if name in required:
                out.append(f"{pad}if {value} is _MISSING: return False")
                if extra is False:
                    out.append(f"{pad}{count} += 1")
                out += [line[4:] for line in body]
            else:
                out.append(f"{pad}if {value} is not _MISSING:")
                if extra is False:
                    out.append(f"{pad}    {count} += 1")
                out += body or [f"{pad}    pass"]
        if extra is False:
            out.append(f"{pad}if {count} != len({var}): return False")
        elif extra is not True:
            known = self.constant(frozenset(properties), "K")
            value = f"v{depth + 1}"
            body = self.lines(extra, value, depth + 2)
            if body:
                out += [f"{pad}for k{depth}, {value} in {var}.items():",
                        f"{pad}    if k{depth} not in {known}:", *body]
        return out


    def closed_members(self, properties: dict[str, Any], required: set[str], var: str,
                       depth: int) -> list[str]:
        """A closed object (no member but its properties) whose required members are all among
        its properties: each required member read directly (a missing one raises a KeyError,
        which the generated function answers with False), each optional one counted if present,
        and the count compared with the object's size (~15 % less than looking up and counting
        every member)."""
        pad = "    " * depth
        count = f"n{depth}"
        optional = len(properties) > len(required)
        out = [f"{pad}{count} = {len(required)}"] if optional else [
            f"{pad}if len({var}) != {len(required)}: return False"]
        for name, sub in properties.items():
            value = f"v{depth + 1}"
            body = self.lines(sub, value, depth + 1)
            if name in required:  # (a KeyError, caught by the function: a member missing)
                out.append(f"{pad}{value} = {var}[{name!r}]")
                out += [line[4:] for line in body]
            else:
                out += [f"{pad}{value} = {var}.get({name!r}, _MISSING)",
                        f"{pad}if {value} is not _MISSING:", f"{pad}    {count} += 1", *body]
        if optional:
            out.append(f"{pad}if {count} != len({var}): return False")
        return out


_MISSING = object()


class EventSchema:
    """The compiled document: :meth:`problems` of one event content object, and each type's
    ``x-public``."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._check = _Compiler(document).node(document)  # (refuses an unknown keyword)
        fast = _Fast(document)
        self.valid: Ok = _Generated(document, fast).function(document)
        defs = document.get("$defs", {})
        types = document.get("properties", {}).get("type", {}).get("enum", [])
        self.types: tuple[str, ...] = tuple(types)
        self.publicity: dict[str, str] = {t: str(defs[t].get("x-public", NEVER)) for t in types}
        self.why: dict[str, str] = {t: str(defs[t].get("x-public-why", "")) for t in types}

    def problems(self, event: Any) -> list[str]:
        """Every violation (``[]``: the event is valid), each naming the member and the rule."""
        if self.valid(event):
            return []
        return self.explain(event)

    def explain(self, event: Any) -> list[str]:
        """The violations found by the checks that name them (the slow path)."""
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
