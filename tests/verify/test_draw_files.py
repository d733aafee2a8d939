"""Specification of the draw's frozen input files (SPOTCHECK-DRAW-2 §2, verify.draw_files)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import verify.draw_files as draw_files
from verify.draw_files import (
    SPEC_V1,
    SPEC_V2,
    Conflict,
    DrawFileError,
    DrawParams,
    Inspector,
    Unit,
    conflicts_bytes,
    file_hash,
    inspectors_bytes,
    params_bytes,
    parse_conflicts,
    parse_inspectors,
    parse_params,
    parse_population,
    population_bytes,
    read_draw_inputs,
)

ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._-"

ids = st.text(ID_ALPHABET, min_size=1, max_size=64)
strata_codes = st.sampled_from(["KEY", "GEN", "SPC", "KEY.W", "KEY-1", "G"]) | st.text(
    ID_ALPHABET, min_size=1, max_size=32
)
units = st.builds(Unit, ids, strata_codes, st.integers(1, 10))
populations = st.lists(units, unique_by=lambda unit: unit.id, max_size=30)
inspectors = st.builds(
    Inspector,
    ids,
    st.lists(strata_codes, min_size=1, max_size=4, unique=True).map(lambda s: tuple(sorted(s))),
)
rosters = st.lists(inspectors, unique_by=lambda inspector: inspector.inspector_id, max_size=20)
conflict_lists = st.lists(st.builds(Conflict, ids, ids), unique=True, max_size=20)
descriptions = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40
).map(str.strip).filter(bool)
params = st.builds(
    DrawParams,
    draw_id=ids,
    sizes=st.dictionaries(strata_codes, st.integers(0, 10**9 - 1), min_size=1, max_size=5),
    team_size=st.integers(2, 10**9 - 1),
    load_cap=st.integers(0, 10**9 - 1),
    entropy_plan=st.lists(descriptions, min_size=1, max_size=12).map(tuple),
    spec=st.sampled_from([SPEC_V2, SPEC_V1]),
)

POPULATION = b"id,stratum,weight\nA1,KEY,3\nB2,GEN,1\nC3,GEN,10\n"
INSPECTORS = b"inspector_id,strata\nI1,GEN;KEY\nI2,KEY\n"
CONFLICTS = b"inspector_id,unit_id\nI1,A1\n"
PARAMS = (
    b"draw_id=2025Q1-652301\nentropy.1=witness reveal\nentropy.2=dice\nload_cap=2\n"
    b"size.GEN=1\nsize.KEY=1\nspec=SPOTCHECK-DRAW-2\nteam_size=2\n"
)


def _refused(parse: object, data: bytes) -> DrawFileError:
    assert callable(parse)
    with pytest.raises(DrawFileError) as caught:
        parse(data)
    return caught.value


# --- round trips and canonical form --------------------------------------------------------------


@given(populations)
def test_a_produced_population_parses_back_to_the_same_units_sorted_by_id(rows: list[Unit]) -> None:
    data = population_bytes(rows)
    parsed = parse_population(data)
    assert parsed == tuple(sorted(rows, key=lambda unit: unit.id))
    assert population_bytes(parsed) == data


@given(rosters)
def test_a_produced_roster_round_trips(rows: list[Inspector]) -> None:
    data = inspectors_bytes(rows)
    assert inspectors_bytes(parse_inspectors(data)) == data
    assert set(parse_inspectors(data)) == set(rows)


@given(conflict_lists)
def test_produced_conflicts_round_trip_sorted_by_inspector_then_unit(rows: list[Conflict]) -> None:
    data = conflicts_bytes(rows)
    parsed = parse_conflicts(data)
    assert parsed == tuple(sorted(rows, key=lambda c: (c.inspector_id, c.unit_id)))
    assert conflicts_bytes(parsed) == data


@given(populations)
def test_reading_a_population_at_once_equals_reading_it_row_by_row(rows: list[Unit]) -> None:
    data = population_bytes(rows)
    assert list(parse_population(data)) == draw_files._population_by_row(data)


@given(params)
def test_produced_params_round_trip(value: DrawParams) -> None:
    data = params_bytes(value)
    assert parse_params(data) == value
    assert params_bytes(parse_params(data)) == data


def _mutate(data: bytes, position: int, action: int, byte: int) -> bytes:
    position %= len(data) + 1
    if action == 0:
        return data[:position] + bytes([byte]) + data[position:]
    if action == 1:
        return data[:position] + data[position + 1:]
    return data[:position] + bytes([byte]) + data[position + 1:]


MUTATION_BYTES = st.sampled_from(b"\n\r ,;=#.-_09AZaz\t\xef\xbb\xbf\xff") | st.integers(0, 255)


@settings(max_examples=400)
@given(populations, st.integers(0, 10**6), st.integers(0, 2), MUTATION_BYTES)
def test_whatever_population_bytes_are_accepted_are_the_canonical_bytes(
    rows: list[Unit], position: int, action: int, byte: int
) -> None:
    data = _mutate(population_bytes(rows), position, action, byte)
    try:
        parsed = parse_population(data)
    except DrawFileError:
        return
    assert population_bytes(parsed) == data


@settings(max_examples=400)
@given(populations, st.integers(0, 10**6), st.integers(0, 2), MUTATION_BYTES)
def test_the_population_read_at_once_accepts_only_what_the_row_reader_accepts(
    rows: list[Unit], position: int, action: int, byte: int
) -> None:
    data = _mutate(population_bytes(rows), position, action, byte)
    fast = draw_files._population_at_once(data)
    if fast is None:
        return
    assert list(fast) == draw_files._population_by_row(data)  # which raises on any broken rule


@settings(max_examples=400)
@given(rosters, st.integers(0, 10**6), st.integers(0, 2), MUTATION_BYTES)
def test_whatever_roster_bytes_are_accepted_are_the_canonical_bytes(
    rows: list[Inspector], position: int, action: int, byte: int
) -> None:
    data = _mutate(inspectors_bytes(rows), position, action, byte)
    try:
        parsed = parse_inspectors(data)
    except DrawFileError:
        return
    assert inspectors_bytes(parsed) == data


@settings(max_examples=400)
@given(params, st.integers(0, 10**6), st.integers(0, 2), MUTATION_BYTES)
def test_whatever_params_bytes_are_accepted_are_the_canonical_bytes(
    value: DrawParams, position: int, action: int, byte: int
) -> None:
    data = _mutate(params_bytes(value), position, action, byte)
    try:
        parsed = parse_params(data)
    except DrawFileError:
        return
    assert params_bytes(parsed) == data


def test_rows_are_written_sorted_bytewise_whatever_order_they_come_in() -> None:
    rows = [Unit("b", "KEY", 1), Unit("B", "KEY", 1), Unit("a-1", "GEN", 2), Unit("a", "GEN", 2)]
    assert population_bytes(rows) == b"id,stratum,weight\nB,KEY,1\na,GEN,2\na-1,GEN,2\nb,KEY,1\n"


def test_the_file_hash_is_the_lowercase_hex_sha256_of_the_exact_bytes() -> None:
    assert file_hash(POPULATION) == hashlib.sha256(POPULATION).hexdigest()
    assert file_hash(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


# --- the layout rules every file follows ---------------------------------------------------------


def test_the_error_names_the_file_the_line_the_field_and_the_rule() -> None:
    error = _refused(parse_population, b"id,stratum,weight\nA1,KEY,3\nB2,GEN,11\n")
    assert (error.file, error.line, error.field) == ("population.csv", 3, "weight")
    assert str(error) == "population.csv line 3, field weight: 11 is outside 1..10"


def test_a_byte_order_mark_is_refused() -> None:
    error = _refused(parse_population, b"\xef\xbb\xbf" + POPULATION)
    assert error.line == 1 and "byte-order mark" in error.rule


def test_crlf_line_ends_are_refused() -> None:
    error = _refused(parse_population, POPULATION.replace(b"\nB2", b"\r\nB2"))
    assert error.line == 2 and "carriage return" in error.rule


def test_a_missing_final_line_feed_is_refused() -> None:
    error = _refused(parse_inspectors, INSPECTORS[:-1])
    assert error.line == 3 and "does not end in LF" in error.rule


@pytest.mark.parametrize(("data", "rule"), [(b"", "the file is empty"), (b"\n", "empty line")])
def test_an_empty_file_is_refused(data: bytes, rule: str) -> None:
    assert _refused(parse_conflicts, data).rule == rule


def test_an_empty_line_is_refused() -> None:
    error = _refused(parse_conflicts, CONFLICTS + b"\n")
    assert error.line == 3 and error.rule == "empty line"


def test_a_header_alone_is_an_empty_list() -> None:
    assert parse_conflicts(b"inspector_id,unit_id\n") == ()
    assert conflicts_bytes([]) == b"inspector_id,unit_id\n"


def test_a_trailing_space_is_refused() -> None:
    error = _refused(parse_population, POPULATION.replace(b"GEN,1\n", b"GEN,1 \n"))
    assert error.line == 3 and "space" in error.rule


def test_invalid_utf8_is_refused_at_its_line() -> None:
    error = _refused(parse_params, PARAMS.replace(b"dice", b"di\xffce"))
    assert error.line == 3 and "UTF-8" in error.rule


def test_the_header_must_be_exact() -> None:
    error = _refused(parse_population, POPULATION.replace(b"id,stratum,weight", b"id,stratum,Weight"))
    assert error.line == 1 and "header" in error.rule


def test_unsorted_rows_are_refused_naming_the_line() -> None:
    error = _refused(parse_population, b"id,stratum,weight\nB2,GEN,1\nA1,KEY,3\n")
    assert error.line == 3 and "not sorted" in error.rule


def test_a_repeated_row_is_refused() -> None:
    error = _refused(parse_conflicts, b"inspector_id,unit_id\nI1,A1\nI1,A1\n")
    assert error.line == 3 and "repeats" in error.rule


def test_a_duplicate_unit_id_is_refused() -> None:
    error = _refused(parse_population, b"id,stratum,weight\nA1,GEN,1\nA1,KEY,3\n")
    assert (error.line, error.field) == (3, "id") and "earlier line" in error.rule
    with pytest.raises(DrawFileError):
        population_bytes([Unit("A1", "GEN", 1), Unit("A1", "KEY", 3)])


def test_a_duplicate_inspector_id_is_refused() -> None:
    error = _refused(parse_inspectors, b"inspector_id,strata\nI1,GEN\nI1,KEY\n")
    assert (error.line, error.field) == (3, "inspector_id")


@pytest.mark.parametrize(
    "bad_id", ["", "a b", "x" * 65, "ü", "a|b", "A1#2", "a/b", "a:b", "\u0661"]
)
def test_an_id_outside_the_alphabet_is_refused(bad_id: str) -> None:
    data = f"id,stratum,weight\n{bad_id},KEY,1\n".encode()
    error = _refused(parse_population, data)
    assert error.line == 2
    with pytest.raises(DrawFileError):
        Unit(bad_id, "KEY", 1)


def test_an_id_of_64_characters_from_the_alphabet_is_accepted() -> None:
    long_id = ("91320100MA1MXYZ-._" * 4)[:64]
    assert parse_population(f"id,stratum,weight\n{long_id},KEY,1\n".encode())[0].id == long_id


@pytest.mark.parametrize("weight", ["0", "11", "01", "+3", "3.0", " 3", "3_0", "\u0663", "", "-1"])
def test_a_weight_must_be_a_plain_decimal_from_1_to_10(weight: str) -> None:
    error = _refused(parse_population, f"id,stratum,weight\nA1,KEY,{weight}\n".encode())
    assert error.field in ("weight", None) and error.line == 2


def test_a_row_with_too_many_fields_is_refused() -> None:
    error = _refused(parse_population, b"id,stratum,weight\nA1,KEY,1,x\n")
    assert error.line == 2 and "4 comma-separated fields, not 3" in error.rule


# --- inspectors and conflicts --------------------------------------------------------------------


@pytest.mark.parametrize("strata", ["KEY;GEN", "GEN;GEN", "GEN;", ";GEN", "", "GEN KEY"])
def test_an_inspectors_strata_must_be_a_sorted_list_of_distinct_codes(strata: str) -> None:
    error = _refused(parse_inspectors, f"inspector_id,strata\nI1,{strata}\n".encode())
    assert (error.line, error.field) == (2, "strata")


def test_conflicts_are_sorted_by_inspector_then_unit() -> None:
    assert parse_conflicts(b"inspector_id,unit_id\nI1,B\nI2,A\n") == (
        Conflict("I1", "B"), Conflict("I2", "A")
    )
    _refused(parse_conflicts, b"inspector_id,unit_id\nI2,A\nI1,B\n")


# --- params.txt ----------------------------------------------------------------------------------


def test_params_lines_are_sorted_as_whole_lines_so_entropy_10_precedes_entropy_1() -> None:
    plan = tuple(f"source {k}" for k in range(1, 12))
    value = DrawParams("D1", {"KEY": 1}, 2, 0, plan)
    lines = params_bytes(value).decode().splitlines()
    assert lines[:4] == ["draw_id=D1", "entropy.10=source 10", "entropy.11=source 11", "entropy.1=source 1"]
    assert parse_params(params_bytes(value)).entropy_plan == plan


def test_the_entropy_order_is_the_number_k_not_the_line_position() -> None:
    data = PARAMS.replace(b"entropy.1=witness reveal\nentropy.2=dice", b"entropy.1=dice\nentropy.2=witness")
    assert parse_params(data).entropy_plan == ("dice", "witness")


def test_params_read_back_into_their_fields() -> None:
    assert parse_params(PARAMS) == DrawParams(
        "2025Q1-652301", {"GEN": 1, "KEY": 1}, 2, 2, ("witness reveal", "dice"), SPEC_V2
    )


def test_new_params_name_version_2_and_params_without_a_spec_line_are_version_1() -> None:
    assert b"\nspec=SPOTCHECK-DRAW-2\n" in params_bytes(DrawParams("D1", {"KEY": 1}, 2, 0, ("dice",)))
    old = PARAMS.replace(b"spec=SPOTCHECK-DRAW-2\n", b"")
    assert parse_params(old).spec == SPEC_V1
    assert params_bytes(parse_params(old)) == old


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        (b"team_size=2", b"team_size=1", 8, "team_size"),
        (b"team_size=2", b"team_size=02", 8, "team_size"),
        (b"spec=SPOTCHECK-DRAW-2", b"spec=SPOTCHECK-DRAW-1", 7, "spec"),
        (b"spec=SPOTCHECK-DRAW-2", b"spec=SPOTCHECK-DRAW-3", 7, "spec"),
        (b"load_cap=2", b"load_cap=-1", 4, "load_cap"),
        (b"size.GEN=1", b"size.GEN=x", 5, "size.GEN"),
        (b"draw_id=2025Q1-652301", b"draw_id=2025 Q1", 1, "draw_id"),
        (b"entropy.2=dice", b"entropy.2=", 3, "entropy.2"),
        (b"entropy.2=dice", b"entropy.2= dice", 3, "entropy.2"),
        (b"entropy.2=dice", b"entropy.2=di\x1bce", 3, "entropy.2"),
        (b"entropy.2=dice", "entropy.2=dice\u3000".encode(), 3, "entropy.2"),
        (b"entropy.1=", b"entropy.01=", 2, "entropy.01"),
        (b"entropy.2=dice", b"entropy.2x=dice", 3, "entropy.2x"),
        (b"load_cap=2\n", b"load_cap=2\nmode=fast\n", 5, "mode"),
        (b"load_cap=2\n", b"", None, "load_cap"),
        (b"entropy.2=dice", b"entropy.3=dice", None, "entropy.2"),
    ],
)
def test_a_bad_params_value_is_refused_naming_line_and_key(
    old: bytes, new: bytes, line: int | None, field: str
) -> None:
    error = _refused(parse_params, PARAMS.replace(old, new))
    assert (error.line, error.field) == (line, field)


def test_a_params_line_without_equals_is_refused() -> None:
    error = _refused(parse_params, PARAMS.replace(b"load_cap=2", b"load_cap 2"))
    assert error.line == 4 and "key=value" in error.rule


def test_a_key_given_twice_is_refused() -> None:
    error = _refused(parse_params, PARAMS.replace(b"load_cap=2\n", b"load_cap=2\nload_cap=3\n"))
    assert (error.line, error.field) == (5, "load_cap")


def test_params_without_entropy_or_sizes_are_refused() -> None:
    _refused(parse_params, b"draw_id=D\nload_cap=0\nsize.KEY=1\nteam_size=2\n")
    _refused(parse_params, b"draw_id=D\nentropy.1=dice\nload_cap=0\nteam_size=2\n")


# --- the four files together ---------------------------------------------------------------------


def test_the_four_files_read_together_with_their_hashes() -> None:
    inputs = read_draw_inputs(POPULATION, INSPECTORS, CONFLICTS, PARAMS)
    assert inputs.population_hash == hashlib.sha256(POPULATION).hexdigest()
    assert inputs.params_hash == hashlib.sha256(PARAMS).hexdigest()
    assert inputs.conflicts == (Conflict("I1", "A1"),)


def test_a_size_for_an_unknown_stratum_is_refused() -> None:
    error = _refused(
        lambda data: read_draw_inputs(POPULATION, INSPECTORS, CONFLICTS, data),
        PARAMS.replace(b"size.KEY=1\n", b"size.KEY=1\nsize.SPC=1\n"),
    )
    assert (error.file, error.line, error.field) == ("params.txt", 7, "size.SPC")
    assert "unknown stratum" in error.rule


def test_a_stratum_without_a_size_is_refused() -> None:
    error = _refused(
        lambda data: read_draw_inputs(POPULATION, INSPECTORS, CONFLICTS, data),
        PARAMS.replace(b"size.GEN=1\n", b""),
    )
    assert (error.file, error.field) == ("params.txt", "size.GEN")


def test_a_size_larger_than_its_stratum_is_refused() -> None:
    error = _refused(
        lambda data: read_draw_inputs(POPULATION, INSPECTORS, CONFLICTS, data),
        PARAMS.replace(b"size.GEN=1", b"size.GEN=3"),
    )
    assert (error.line, error.field) == (5, "size.GEN") and "exceeds the 2 units" in error.rule


@pytest.mark.parametrize(
    ("row", "field"), [(b"I9,A1", "inspector_id"), (b"I1,Z9", "unit_id")]
)
def test_a_conflict_naming_an_unknown_inspector_or_unit_is_refused(row: bytes, field: str) -> None:
    error = _refused(
        lambda data: read_draw_inputs(POPULATION, INSPECTORS, data, PARAMS),
        b"inspector_id,unit_id\n" + row + b"\n",
    )
    assert (error.file, error.line, error.field) == ("conflicts.csv", 2, field)
