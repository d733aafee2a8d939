"""The published draw test vectors (tests/verify/vectors/draw/, quoted in docs/draw.md): recomputed
from their inputs, cross-checked against ``consistent_sampler`` (tickets and rankings) and a
literal Fisher–Yates shuffle (the walks of SPOTCHECK-DRAW-2 §6), and compared with the document.
Every unit id is a unified social credit code the directory import accepts (GB 32100)."""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

import consistent_sampler

from ledger.codes.credit_code import parse_credit_code
from verify.draw import (
    Assignment,
    InspectorReplacement,
    Walk,
    assign_inspectors,
    replace_inspector,
    replace_unit,
    reveal_matches,
    run_draw,
    ticket,
)
from verify.draw_files import (
    DrawInputs,
    conflicts_bytes,
    inspectors_bytes,
    params_bytes,
    population_bytes,
    read_draw_inputs,
)

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "verify" / "vectors" / "draw"
DOC = ROOT / "docs" / "draw.md"
INPUT_FILES = ("population.csv", "inspectors.csv", "conflicts.csv", "params.txt")
ALL_FILES = (
    *INPUT_FILES, "entropy.txt", "seed.txt", "tickets.csv", "selection.csv", "walk.csv",
    "assignment.csv", "amendments.txt",
)


def _bytes(name: str) -> bytes:
    return (VECTORS / name).read_bytes()


def _key_values(name: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in _bytes(name).decode().splitlines())
    return dict(pairs)


def _csv(name: str) -> list[list[str]]:
    return [line.split(",") for line in _bytes(name).decode().splitlines()[1:]]


def _inputs() -> DrawInputs:
    return read_draw_inputs(*(_bytes(name) for name in INPUT_FILES))


def _entropy() -> list[str]:
    return _bytes("entropy.txt").decode().splitlines()


def test_the_vector_files_are_all_there() -> None:
    assert sorted(path.name for path in VECTORS.iterdir()) == sorted(ALL_FILES)


def test_the_vector_inputs_are_in_canonical_form() -> None:
    inputs = _inputs()
    assert population_bytes(inputs.population) == _bytes("population.csv")
    assert inspectors_bytes(inputs.inspectors) == _bytes("inspectors.csv")
    assert conflicts_bytes(inputs.conflicts) == _bytes("conflicts.csv")
    assert params_bytes(inputs.params) == _bytes("params.txt")


def test_the_vector_hashes_pre_and_seed_recompute() -> None:
    inputs = _inputs()
    expected = _key_values("seed.txt")
    for key, name in zip(("PH", "IH", "CH", "PAH"), INPUT_FILES, strict=True):
        assert expected[key] == hashlib.sha256(_bytes(name)).hexdigest()
    result = run_draw(inputs, _entropy())
    assert result.preimage == expected["PRE"]
    assert result.seed == expected["SEED"] == hashlib.sha256(expected["PRE"].encode()).hexdigest()


def test_the_vector_witness_reveal_matches_its_commitment() -> None:
    assert reveal_matches(_key_values("seed.txt")["commitment.1"], _entropy()[0])


def test_every_vector_unit_ticket_recomputes_and_equals_the_oracle() -> None:
    seed = _key_values("seed.txt")["SEED"]
    rows = _csv("tickets.csv")
    assert len(rows) == sum(unit.weight for unit in _inputs().population)
    for x, value in rows:
        assert value == ticket(seed, x) == consistent_sampler.first_fraction(x, seed)


def test_the_vector_selection_recomputes_and_follows_the_oracle_order() -> None:
    inputs = _inputs()
    result = run_draw(inputs, _entropy())
    assert result.selection.csv_bytes() == _bytes("selection.csv")
    tickets = dict(_csv("tickets.csv"))
    for stratum in inputs.params.sizes:
        members = [unit for unit in inputs.population if unit.stratum == stratum]
        expanded = [x for x in tickets if x.split("#")[0] in {unit.id for unit in members}]
        first_seen: list[str] = []
        for x in consistent_sampler.sampler(expanded, result.seed, output="id"):
            if x.split("#")[0] not in first_seen:
                first_seen.append(x.split("#")[0])
        ranked = [row for row in _csv("selection.csv") if row[0] == stratum]
        assert [row[2] for row in ranked] == first_seen
        assert [row[4] for row in ranked].count("1") == inputs.params.sizes[stratum]


def test_every_vector_unit_id_is_a_credit_code_the_directory_accepts() -> None:
    for unit in _inputs().population:
        assert parse_credit_code(unit.id).code == unit.id


def test_the_vector_walks_recompute_and_are_the_literal_fisher_yates_shuffle() -> None:
    inputs = _inputs()
    result = run_draw(inputs, _entropy())
    expected: list[list[str]] = []
    for unit in result.selection.selected():
        a = sorted(i.inspector_id for i in inputs.inspectors if unit.stratum in i.strata)
        walk = Walk(result.seed, unit.id, tuple(a))
        for i in range(len(a)):
            preimage = f"{result.seed}|assign|{unit.id}|{i}".encode()
            j = i + int.from_bytes(hashlib.sha256(preimage).digest(), "big") % (len(a) - i)
            a[i], a[j] = a[j], a[i]
            assert walk.at(i) == a[i]
            expected.append([unit.id, str(i), str(j), a[i]])
    assert _csv("walk.csv") == expected


def test_the_vector_assignment_recomputes() -> None:
    result = run_draw(_inputs(), _entropy())
    assert isinstance(result.assignment, Assignment)
    assert result.assignment.csv_bytes() == _bytes("assignment.csv")
    loads = ",".join(f"{k}:{v}" for k, v in sorted(result.assignment.loads.items()))
    assert _key_values("amendments.txt")["loads_after_draw"] == loads


def test_the_vector_amendments_recompute() -> None:
    inputs = _inputs()
    result = run_draw(inputs, _entropy())
    assert isinstance(result.assignment, Assignment)
    expected = _key_values("amendments.txt")
    alternate = replace_unit(result.selection, expected["closed_unit"], used=())
    assert alternate is not None and alternate.id == expected["replacement_unit"]
    unit = result.selection.unit(expected["recusal_unit"])
    recusal = replace_inspector(
        result.seed, unit, result.assignment.teams()[unit.id], expected["recused_inspector"],
        inputs.inspectors, inputs.conflicts, inputs.params.load_cap, result.assignment.loads,
    )
    assert isinstance(recusal, InspectorReplacement)
    assert recusal.replacement == expected["replacement_inspector"]
    assert recusal.place == expected["replacement_position"]
    assert ",".join(f"{k}:{v}" for k, v in sorted(recusal.loads.items())) == expected["loads_after_recusal"]


_QUOTE = re.compile(r"<!-- vector: (\S+) -->\n```[a-z]*\n(.*?)```\n", re.DOTALL)


def test_docs_draw_md_quotes_every_vector_file_exactly() -> None:
    quoted = _QUOTE.findall(DOC.read_text(encoding="utf-8"))
    names = [name for name, _ in quoted]
    assert sorted(names) == sorted(ALL_FILES), "every vector file is quoted exactly once"
    for name, text in quoted:
        assert text.encode("utf-8") == _bytes(name), f"docs/draw.md's copy of {name} has drifted"


def test_docs_draw_md_quotes_the_seed_and_the_example_tickets_where_it_explains_them() -> None:
    doc = DOC.read_text(encoding="utf-8")
    seed = _key_values("seed.txt")["SEED"]
    prose = _QUOTE.sub("", doc)
    for value in re.findall(r"\b[0-9a-f]{64}\b", prose):
        assert value in _bytes("seed.txt").decode(), f"a hash in the prose is not in seed.txt: {value}"
    known = [row[-1] for row in _csv("tickets.csv")]
    for value in re.findall(r"0\.[0-9]{60,}", prose):
        assert value in known, f"a ticket in the prose is not in the vectors: {value}"
    shortened = re.findall(r"(0\.[0-9]+)…", prose)
    assert len(shortened) > 10
    for prefix in shortened:
        assert any(t.startswith(prefix) for t in known), f"{prefix}… is no ticket of the vectors"
    assert seed in prose


def test_the_vector_conflict_changes_a_team() -> None:
    """The example's conflict matters: without it, the conflicted inspector would be on the team."""
    inputs = _inputs()
    result = run_draw(inputs, _entropy())
    (conflict,) = inputs.conflicts
    without = assign_inspectors(result.seed, result.selection, inputs.inspectors, [],
                                inputs.params.team_size, inputs.params.load_cap)
    assert isinstance(result.assignment, Assignment) and isinstance(without, Assignment)
    assert conflict.inspector_id in without.teams()[conflict.unit_id]
    assert conflict.inspector_id not in result.assignment.teams()[conflict.unit_id]


def test_the_sampler_outputs_quoted_in_section_10_are_what_the_sampler_gives() -> None:
    section = DOC.read_text(encoding="utf-8").split("## 10.")[1]
    code = section.split("```python\n")[1].split("```")[0]
    namespace: dict[str, object] = {}
    lines = code.splitlines()
    checked = 0
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        if following.startswith("# ["):
            value = eval(line, namespace)  # the documented expression, in the snippet's namespace
            assert value == ast.literal_eval(following[2:]), line
            checked += 1
        elif line and not line.startswith("#"):
            exec(line.split("  #")[0], namespace)
    assert checked == 2
