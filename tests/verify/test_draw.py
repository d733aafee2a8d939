"""Specification of the draw (SPOTCHECK-DRAW-2 §3–§6, verify.draw), with Rivest's
``consistent_sampler`` as the independent oracle for every ticket and every ordering, a literal
Fisher–Yates shuffle (a whole copy of the pool, every step) as the oracle of version 2's walks, and
version 1's §6 (draws fixed before version 2 must still verify)."""

from __future__ import annotations

import hashlib
import multiprocessing.process
import os
import random
from collections.abc import Sequence

import consistent_sampler
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import verify.draw as draw_module
from verify.draw import (
    Assignment,
    DrawError,
    InspectorReplacement,
    InsufficientEligible,
    RankedUnit,
    Selection,
    Walk,
    assign_inspectors,
    derive_seed,
    draw_stratum,
    draw_units,
    fill_team,
    replace_inspector,
    replace_unit,
    reveal_matches,
    run_draw,
    seed_of,
    seed_preimage,
    spec_of_preimage,
    team_order,
    ticket,
    ticket_id,
    unit_key,
    unit_keys,
    walk_order,
)
from verify.draw_files import (
    SPEC_V1,
    SPEC_V2,
    Conflict,
    DrawParams,
    Inspector,
    Unit,
    conflicts_bytes,
    inspectors_bytes,
    params_bytes,
    population_bytes,
    read_draw_inputs,
)

ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._-"
H1, H2, H3, H4 = (hashlib.sha256(bytes([n])).hexdigest() for n in range(4))
SEED = derive_seed(seed_preimage("D1", H1, H2, H3, H4, ["dice 31415"]))

ids = st.text(ID_ALPHABET, min_size=1, max_size=20)
seeds = st.text(max_size=80)  # any Unicode text but surrogates (Hypothesis's default alphabet)
# Population: unique ids, two or three strata, weights 1..10.
populations = st.lists(
    st.builds(Unit, ids, st.sampled_from(["KEY", "GEN", "SPC"]), st.integers(1, 10)),
    min_size=1, max_size=25, unique_by=lambda unit: unit.id,
)


def _oracle_order(ids_: Sequence[str], seed: str) -> list[str]:
    """The consistent sampler's order, without replacement."""
    return list(consistent_sampler.sampler(list(ids_), seed, with_replacement=False, output="id"))


def _oracle_weighted_order(units: Sequence[Unit], seed: str) -> list[str]:
    """Expand unit i into ids tid(i, 1..w), sample them all, keep each unit's first occurrence."""
    expanded = [unit.id if j == 1 else f"{unit.id}#{j}" for unit in units for j in range(1, unit.weight + 1)]
    order: list[str] = []
    for drawn in _oracle_order(expanded, seed):
        unit_id = drawn.split("#")[0]
        if unit_id not in order:
            order.append(unit_id)
    return order


def _literal_pass_loop(
    order: Sequence[str], team_size: int, load_cap: int, loads: dict[str, int]
) -> list[str]:
    """§6 read literally: pass p = 0, 1, 2, … walks E_c and takes anyone under load_cap + p."""
    team: list[str] = []
    p = 0
    while len(team) < team_size:
        for inspector in order:
            if len(team) == team_size:
                break
            if inspector not in team and (load_cap == 0 or loads[inspector] < load_cap + p):
                team.append(inspector)
        p += 1
    return team


def _oracle_assignment_csv(
    selected: list[tuple[str, str, str]],
    inspectors: Sequence[Inspector],
    conflicts: Sequence[Conflict],
    team_size: int,
    load_cap: int,
    seed: str,
) -> bytes | str:
    """An independent §6 over (key, id, stratum) triples, on the oracle's orders and tickets."""
    loads = {inspector.inspector_id: 0 for inspector in inspectors}
    lines = ["unit_id,slot,inspector_id,ticket"]
    for _, unit_id, stratum in sorted(selected):
        eligible = [
            inspector.inspector_id for inspector in inspectors
            if stratum in inspector.strata and Conflict(inspector.inspector_id, unit_id) not in conflicts
        ]
        if len(eligible) < team_size:
            return f"INSUFFICIENT_ELIGIBLE {unit_id}"
        unit_seed = seed + "|assign|" + unit_id
        team = _literal_pass_loop(_oracle_order(eligible, unit_seed), team_size, load_cap, loads)
        for slot, inspector_id in enumerate(team, start=1):
            oracle_ticket = consistent_sampler.first_fraction(inspector_id, unit_seed)
            lines.append(f"{unit_id},{slot},{inspector_id},{oracle_ticket}")
            loads[inspector_id] += 1
    return "".join(line + "\n" for line in lines).encode()


def _literal_walk(seed: str, unit_id: str, pool: Sequence[str]) -> list[str]:
    """Version 2's W_c read literally: a whole working copy of the sorted pool, every step."""
    a = sorted(pool)
    for i in range(len(a)):
        r = int.from_bytes(hashlib.sha256(f"{seed}|assign|{unit_id}|{i}".encode()).digest(), "big")
        j = i + r % (len(a) - i)
        a[i], a[j] = a[j], a[i]
    return a


def _oracle_v2_assignment_csv(
    selected: list[tuple[str, str, str]],
    inspectors: Sequence[Inspector],
    conflicts: Sequence[Conflict],
    team_size: int,
    load_cap: int,
    seed: str,
) -> bytes | str:
    """An independent version 2 §6 over (key, id, stratum) triples, on literal walks."""
    loads = {inspector.inspector_id: 0 for inspector in inspectors}
    lines = ["unit_id,slot,inspector_id,position"]
    for _, unit_id, stratum in sorted(selected):
        pool = [inspector.inspector_id for inspector in inspectors if stratum in inspector.strata]
        walk = _literal_walk(seed, unit_id, pool)
        conflicted = {c.inspector_id for c in conflicts if c.unit_id == unit_id}
        candidates = [i for i in walk if i not in conflicted]
        if len(candidates) < team_size:
            return f"INSUFFICIENT_ELIGIBLE {unit_id}"
        team = _literal_pass_loop(candidates, team_size, load_cap, loads)
        for slot, inspector_id in enumerate(team, start=1):
            lines.append(f"{unit_id},{slot},{inspector_id},{walk.index(inspector_id)}")
            loads[inspector_id] += 1
    return "".join(line + "\n" for line in lines).encode()


# --- §3 seed -------------------------------------------------------------------------------------


def test_the_preimage_joins_version_draw_id_four_hashes_and_entropy_with_bars() -> None:
    assert seed_preimage("2025Q1-652301", H1, H2, H3, H4, ["a1b2", "3141592653"]) == (
        f"SPOTCHECK-DRAW-2|2025Q1-652301|{H1}|{H2}|{H3}|{H4}|a1b2|3141592653"
    )
    assert seed_preimage("2025Q1-652301", H1, H2, H3, H4, ["a1b2"], SPEC_V1) == (
        f"SPOTCHECK-DRAW-1|2025Q1-652301|{H1}|{H2}|{H3}|{H4}|a1b2"
    )


def test_the_version_is_read_from_pre_and_an_unknown_one_is_refused() -> None:
    assert spec_of_preimage(seed_preimage("D1", H1, H2, H3, H4, ["3141"])) == SPEC_V2
    assert spec_of_preimage(seed_preimage("D1", H1, H2, H3, H4, ["3141"], SPEC_V1)) == SPEC_V1
    with pytest.raises(DrawError, match="SPOTCHECK-DRAW-3"):
        seed_preimage("D1", H1, H2, H3, H4, ["3141"], "SPOTCHECK-DRAW-3")
    with pytest.raises(DrawError, match="is not one of"):
        spec_of_preimage(f"SPOTCHECK-DRAW-0|D1|{H1}")


def test_a_draw_of_version_1_files_uses_version_1_throughout() -> None:
    population, roster, conflicts, _ = _inputs()
    old = params_bytes(DrawParams("D1", {"KEY": 1, "GEN": 1}, 2, 1, ("witness", "dice"), SPEC_V1))
    assert b"spec=" not in old
    result = run_draw(read_draw_inputs(population, roster, conflicts, old), ["w", "3141"])
    assert result.preimage.startswith("SPOTCHECK-DRAW-1|")
    assert isinstance(result.assignment, Assignment) and result.assignment.spec == SPEC_V1
    assert result.assignment.csv_bytes().startswith(b"unit_id,slot,inspector_id,ticket\n")


def test_the_seed_is_the_lowercase_hex_sha256_of_the_utf8_preimage() -> None:
    preimage = seed_preimage("D1", H1, H2, H3, H4, ["骰子 6 5 1"])
    assert derive_seed(preimage) == hashlib.sha256(preimage.encode("utf-8")).hexdigest()
    assert len(derive_seed(preimage)) == 64


def test_entropy_may_not_contain_a_bar() -> None:
    with pytest.raises(DrawError, match=r"E2 contains '\|'"):
        seed_preimage("D1", H1, H2, H3, H4, ["ok", "31|41"])


@pytest.mark.parametrize("brk", ["\n", "\r", "\r\n", "\v", "\f", "\x85", "\u2028", "\u2029", "\x1e"])
def test_entropy_may_not_contain_a_line_break(brk: str) -> None:
    with pytest.raises(DrawError, match="E1 contains a line break"):
        seed_preimage("D1", H1, H2, H3, H4, [f"31{brk}41"])


def test_an_empty_entropy_value_or_none_at_all_is_refused() -> None:
    with pytest.raises(DrawError, match="E2 is empty"):
        seed_preimage("D1", H1, H2, H3, H4, ["3141", ""])
    with pytest.raises(DrawError, match="at least one"):
        seed_preimage("D1", H1, H2, H3, H4, [])


@pytest.mark.parametrize("bad", [H1.upper(), H1[:-1], H1 + "0", "g" * 64])
def test_an_input_hash_must_be_64_lowercase_hex_digits(bad: str) -> None:
    with pytest.raises(DrawError, match="IH must be 64 lowercase hex digits"):
        seed_preimage("D1", H1, bad, H3, H4, ["3141"])


def test_a_draw_id_outside_the_id_alphabet_is_refused() -> None:
    with pytest.raises(DrawError, match="draw_id"):
        seed_preimage("D|1", H1, H2, H3, H4, ["3141"])


def test_a_witness_reveal_must_match_its_commitment() -> None:
    commitment = hashlib.sha256("见证人 Zhang: 7f3a9c".encode()).hexdigest()
    assert reveal_matches(commitment, "见证人 Zhang: 7f3a9c")
    assert not reveal_matches(commitment, "见证人 Zhang: 7f3a9d")


def _inputs(entropy_plan: tuple[str, ...] = ("witness", "dice")) -> tuple[bytes, bytes, bytes, bytes]:
    population = population_bytes([Unit("A1", "KEY", 2), Unit("B2", "KEY", 1), Unit("C3", "GEN", 1)])
    roster = inspectors_bytes([Inspector("I1", ("GEN", "KEY")), Inspector("I2", ("KEY",)),
                               Inspector("I3", ("GEN", "KEY"))])
    conflicts = conflicts_bytes([Conflict("I2", "A1")])
    params = params_bytes(DrawParams("D1", {"KEY": 1, "GEN": 1}, 2, 1, entropy_plan))
    return population, roster, conflicts, params


def test_the_number_of_entropy_values_must_match_the_announced_plan() -> None:
    inputs = read_draw_inputs(*_inputs())
    with pytest.raises(DrawError, match="announces 2 sources, got 1"):
        seed_of(inputs, ["3141"])


def test_any_change_to_any_input_file_changes_the_seed() -> None:
    files = _inputs()
    base = seed_of(read_draw_inputs(*files), ["w", "3141"])[1]
    changed = [
        (population_bytes([Unit("A1", "KEY", 3), Unit("B2", "KEY", 1), Unit("C3", "GEN", 1)]),
         *files[1:]),
        (files[0], inspectors_bytes([Inspector("I1", ("GEN", "KEY")), Inspector("I2", ("GEN", "KEY")),
                                     Inspector("I3", ("GEN", "KEY"))]), *files[2:]),
        (*files[:2], conflicts_bytes([]), files[3]),
        (*files[:3], params_bytes(DrawParams("D1", {"KEY": 1, "GEN": 1}, 2, 2, ("witness", "dice")))),
    ]
    seeds_ = {seed_of(read_draw_inputs(*variant), ["w", "3141"])[1] for variant in changed}
    assert base not in seeds_ and len(seeds_) == 4


# --- §4 ticket -----------------------------------------------------------------------------------


def test_the_ticket_reproduces_rivests_published_example() -> None:
    # consistent_sampler.first_fraction's docstring example.
    assert ticket("01382438112797316654", "AB-130") == (
        "0.26299714122838008416507544297546663599715395525154425586041245287750224561854"
    )


@settings(max_examples=500)
@given(seeds, st.text(max_size=70))
def test_the_ticket_equals_consistent_sampler_first_fraction(s: str, x: str) -> None:
    assert ticket(s, x) == consistent_sampler.first_fraction(x, s)


@given(ids)
def test_a_ticket_is_a_decimal_fraction_of_at_least_64_digits(x: str) -> None:
    value = ticket(SEED, x)
    assert value.startswith("0.") and value[2:].isdigit() and 64 <= len(value) - 2 <= 78


# --- §5 unit draw --------------------------------------------------------------------------------


def test_weight_one_uses_the_bare_id_and_higher_weights_add_hash_numbered_ids() -> None:
    assert [ticket_id("A1", j) for j in (1, 2, 10)] == ["A1", "A1#2", "A1#10"]
    assert unit_key(SEED, "A1", 1) == ticket(SEED, "A1")


def test_a_unit_with_weight_three_gets_the_smallest_of_three_tickets() -> None:
    tickets = [ticket(SEED, x) for x in ("A1", "A1#2", "A1#3")]
    assert unit_key(SEED, "A1", 3) == min(tickets)
    assert unit_key(SEED, "A1", 2) == min(tickets[:2])


@settings(max_examples=200)
@given(st.lists(ids, min_size=1, max_size=30, unique=True), st.text(ID_ALPHABET, min_size=1, max_size=64))
def test_an_unweighted_stratum_ranks_in_the_consistent_sampler_order(unit_ids: list[str], seed: str) -> None:
    ranking = draw_stratum(seed, "GEN", [Unit(i, "GEN", 1) for i in unit_ids], 0)
    assert [unit.id for unit in ranking] == _oracle_order(unit_ids, seed)
    assert [unit.key for unit in ranking] == [consistent_sampler.first_fraction(u.id, seed) for u in ranking]


@settings(max_examples=200)
@given(populations, st.text(ID_ALPHABET, min_size=1, max_size=64))
def test_a_weighted_stratum_ranks_as_the_sampler_over_expanded_ids_first_occurrence(
    units: list[Unit], seed: str
) -> None:
    same_stratum = [Unit(unit.id, "KEY", unit.weight) for unit in units]
    ranking = draw_stratum(seed, "KEY", same_stratum, len(units))
    assert [unit.id for unit in ranking] == _oracle_weighted_order(same_stratum, seed)


def test_weight_ten_beats_weight_one_about_ten_times_in_eleven() -> None:
    """Over 3000 fixed seeds a weight-10 unit should rank first in a pair with P = 10/11 ≈ 0.909."""
    wins = sum(
        draw_stratum(f"seed-{n}", "KEY", [Unit("heavy", "KEY", 10), Unit("light", "KEY", 1)], 1)[0].id
        == "heavy"
        for n in range(3000)
    )
    assert 0.89 < wins / 3000 < 0.93


def test_the_first_size_units_are_selected_and_the_rest_are_alternates_in_rank_order() -> None:
    units = [Unit(f"U{n}", "KEY", 1 + n % 3) for n in range(10)]
    ranking = draw_stratum(SEED, "KEY", units, 4)
    assert [unit.rank for unit in ranking] == list(range(1, 11))
    assert [unit.selected for unit in ranking] == [True] * 4 + [False] * 6
    assert [(unit.key, unit.id) for unit in ranking] == sorted((unit.key, unit.id) for unit in ranking)


def test_a_stratum_given_as_a_one_pass_iterable_is_ranked_as_from_a_list() -> None:
    units = [Unit(f"U{n}", "KEY", 1 + n % 3) for n in range(10)]
    assert draw_stratum(SEED, "KEY", iter(units), 4) == draw_stratum(SEED, "KEY", units, 4)


def test_equal_keys_break_by_id_bytewise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(draw_module, "population_keys", lambda seed, ids, weights: ["0.5"] * len(ids))
    ranking = draw_stratum(SEED, "KEY", [Unit(i, "KEY", 2) for i in ("b", "B", "a", "_", "0")], 2)
    assert [unit.id for unit in ranking] == ["0", "B", "_", "a", "b"]


@given(populations, populations)
def test_a_stratums_ranking_does_not_depend_on_the_other_strata(own: list[Unit], other: list[Unit]) -> None:
    own_units = [Unit(unit.id, "KEY", unit.weight) for unit in own]
    other_units = [Unit("x" + unit.id, "GEN", unit.weight) for unit in other]
    alone = draw_units(SEED, own_units, {"KEY": 1})
    together = draw_units(SEED, own_units + other_units, {"KEY": 1, "GEN": 0} if other_units else {"KEY": 1})
    assert together.strata["KEY"] == alone.strata["KEY"]


def test_selection_csv_lists_every_unit_by_stratum_then_rank() -> None:
    units = [Unit("A1", "KEY", 3), Unit("B2", "KEY", 1), Unit("C3", "GEN", 1), Unit("D4", "GEN", 2)]
    selection = draw_units(SEED, units, {"KEY": 1, "GEN": 1})
    expected = ["stratum,rank,id,key,selected"]
    for stratum in ("GEN", "KEY"):
        members = [unit for unit in units if unit.stratum == stratum]
        order = _oracle_weighted_order(members, SEED)
        weights = {unit.id: unit.weight for unit in members}
        for rank, unit_id in enumerate(order, start=1):
            expected.append(
                f"{stratum},{rank},{unit_id},{unit_key(SEED, unit_id, weights[unit_id])},{int(rank == 1)}"
            )
    assert selection.csv_bytes() == "".join(line + "\n" for line in expected).encode()


def test_sizes_must_name_exactly_the_populations_strata() -> None:
    with pytest.raises(DrawError, match="strata"):
        draw_units(SEED, [Unit("A1", "KEY", 1)], {"KEY": 1, "GEN": 0})
    with pytest.raises(DrawError, match="size 2 of stratum KEY"):
        draw_units(SEED, [Unit("A1", "KEY", 1)], {"KEY": 2})


# --- §5 replacing a unit that cannot be inspected ------------------------------------------------


def _selection() -> Selection:
    units = [Unit(f"K{n}", "KEY", 1 + n % 4) for n in range(6)] + [Unit(f"G{n}", "GEN", 1) for n in range(5)]
    return draw_units(SEED, units, {"KEY": 2, "GEN": 2})


def test_an_uninspectable_unit_is_replaced_by_the_first_unused_alternate_of_its_stratum() -> None:
    selection = _selection()
    closed = selection.strata["KEY"][1]
    alternates = selection.alternates("KEY")
    assert replace_unit(selection, closed.id, used=()) == alternates[0]
    assert replace_unit(selection, closed.id, used={alternates[0].id}) == alternates[1]


def test_a_taken_alternate_that_is_uninspectable_is_replaced_in_turn() -> None:
    selection = _selection()
    first, second = selection.alternates("GEN")[:2]
    assert replace_unit(selection, first.id, used={first.id}) == second


def test_when_the_alternates_run_out_there_is_no_replacement() -> None:
    selection = _selection()
    everyone = {unit.id for unit in selection.alternates("GEN")}
    assert replace_unit(selection, selection.strata["GEN"][0].id, used=everyone) is None


def test_an_alternate_never_taken_cannot_be_replaced() -> None:
    selection = _selection()
    with pytest.raises(DrawError, match="never taken"):
        replace_unit(selection, selection.alternates("KEY")[0].id, used=())
    with pytest.raises(KeyError):
        replace_unit(selection, "nobody", used=())


# --- §6 assignment -------------------------------------------------------------------------------


ROSTER = [
    Inspector("I1", ("GEN", "KEY")),
    Inspector("I2", ("KEY",)),
    Inspector("I3", ("GEN",)),
    Inspector("I4", ("GEN", "KEY")),
    Inspector("I5", ("GEN", "KEY")),
    Inspector("I6", ("GEN", "KEY")),
]


def test_units_are_processed_in_global_key_order_across_strata() -> None:
    selection = _selection()
    result = assign_inspectors(SEED, selection, ROSTER, [], 2, 0)
    assert isinstance(result, Assignment)
    selected = [unit for ranking in selection.strata.values() for unit in ranking if unit.selected]
    assert list(result.teams()) == [unit.id for unit in sorted(selected, key=lambda u: (u.key, u.id))]


def test_without_a_load_cap_the_team_is_the_head_of_the_units_walk() -> None:
    selection = _selection()
    result = assign_inspectors(SEED, selection, ROSTER, [], 2, 0)
    assert isinstance(result, Assignment)
    for unit in selection.selected():
        pool = [i.inspector_id for i in ROSTER if unit.stratum in i.strata]
        assert result.teams()[unit.id] == tuple(_literal_walk(SEED, unit.id, pool)[:2])


def test_version_1_without_a_load_cap_takes_the_head_of_the_sampler_order_of_the_eligible() -> None:
    selection = _selection()
    result = assign_inspectors(SEED, selection, ROSTER, [], 2, 0, SPEC_V1)
    assert isinstance(result, Assignment)
    for unit in selection.selected():
        eligible = [i.inspector_id for i in ROSTER if unit.stratum in i.strata]
        assert result.teams()[unit.id] == tuple(_oracle_order(eligible, SEED + "|assign|" + unit.id)[:2])


@settings(max_examples=200)
@given(st.lists(st.text(ID_ALPHABET, min_size=1, max_size=8), min_size=1, max_size=40, unique=True),
       ids, st.integers(0, 45))
def test_the_lazy_walk_is_the_literal_fisher_yates_shuffle(pool: list[str], unit_id: str, steps: int) -> None:
    pool.sort()
    literal = _literal_walk(SEED, unit_id, pool)
    assert walk_order(SEED, unit_id, pool) == literal
    assert walk_order(SEED, unit_id, pool, steps) == literal[:steps]
    assert sorted(literal) == pool


def test_a_walk_computes_only_the_steps_it_is_asked_for() -> None:
    pool = [f"I{n:04d}" for n in range(2000)]
    walk = Walk(SEED, "K1", pool)
    assert walk.at(2) == _literal_walk(SEED, "K1", pool)[2]
    assert len(walk.steps) == 3 and walk.positions[walk.steps[1]] == 1


def test_each_step_of_a_walk_hashes_seed_assign_unit_and_step_number() -> None:
    pool = ["I1", "I2", "I3", "I4"]
    r0 = int.from_bytes(hashlib.sha256(f"{SEED}|assign|K1|0".encode()).digest(), "big")
    assert walk_order(SEED, "K1", pool, 1) == [pool[r0 % 4]]


def test_the_eligible_are_ordered_by_ticket_then_id(monkeypatch: pytest.MonkeyPatch) -> None:
    assert team_order(SEED, "K1", ["I2", "I1"]) == sorted(
        (ticket(SEED + "|assign|K1", i), i) for i in ("I1", "I2")
    )
    monkeypatch.setattr(draw_module, "ticket_with_prefix", lambda prefix, x: "0.5")
    assert [i for _, i in team_order(SEED, "K1", ["I2", "I10", "I1"])] == ["I1", "I10", "I2"]


@settings(max_examples=150)
@given(
    populations,
    st.lists(
        st.builds(Inspector, st.text("IJ0123456789", min_size=1, max_size=3),
                  st.sampled_from([("GEN",), ("KEY",), ("SPC",), ("GEN", "KEY"), ("GEN", "KEY", "SPC")])),
        min_size=1, max_size=10, unique_by=lambda i: i.inspector_id,
    ),
    st.integers(0, 3),
    st.integers(2, 3),
    st.randoms(use_true_random=False),
    st.sampled_from([SPEC_V2, SPEC_V1]),
)
def test_the_whole_draw_equals_an_independent_reimplementation_on_the_oracle(
    units: list[Unit], roster: list[Inspector], load_cap: int, team_size: int, rng: random.Random,
    spec: str,
) -> None:
    strata = sorted({unit.stratum for unit in units})
    sizes = {s: rng.randint(0, sum(u.stratum == s for u in units)) for s in strata}
    conflicts = sorted(
        {Conflict(i.inspector_id, u.id) for i in roster for u in units if rng.random() < 0.2},
        key=lambda c: (c.inspector_id, c.unit_id),
    )
    selection = draw_units(SEED, units, sizes)
    result = assign_inspectors(SEED, selection, roster, conflicts, team_size, load_cap, spec)
    selected: list[tuple[str, str, str]] = []
    for stratum in strata:
        members = [u for u in units if u.stratum == stratum]
        for unit_id in _oracle_weighted_order(members, SEED)[: sizes[stratum]]:
            weight = next(u.weight for u in members if u.id == unit_id)
            selected.append((unit_key(SEED, unit_id, weight), unit_id, stratum))
    assert sorted((u.key, u.id, u.stratum) for u in selection.selected()) == sorted(selected)
    oracle = _oracle_v2_assignment_csv if spec == SPEC_V2 else _oracle_assignment_csv
    expected = oracle(selected, roster, conflicts, team_size, load_cap, SEED)
    actual = result.csv_bytes() if isinstance(result, Assignment) else result.line
    assert actual == expected


def test_an_inspector_in_conflict_with_a_unit_is_never_on_its_team() -> None:
    selection = _selection()
    unconflicted = assign_inspectors(SEED, selection, ROSTER, [], 2, 0)
    assert isinstance(unconflicted, Assignment)
    # Put every first-slot inspector in conflict with their unit: each must disappear from its team.
    conflicts = [Conflict(team[0], unit_id) for unit_id, team in unconflicted.teams().items()]
    result = assign_inspectors(SEED, selection, ROSTER, conflicts, 2, 0)
    assert isinstance(result, Assignment)
    for conflict in conflicts:
        assert conflict.inspector_id not in result.teams()[conflict.unit_id]


def test_only_inspectors_who_may_inspect_the_units_stratum_are_on_its_team() -> None:
    selection = _selection()
    result = assign_inspectors(SEED, selection, ROSTER, [], 2, 1)
    assert isinstance(result, Assignment)
    strata = {i.inspector_id: i.strata for i in ROSTER}
    for unit in selection.selected():
        assert all(unit.stratum in strata[member] for member in result.teams()[unit.id])


def test_too_few_eligible_inspectors_stops_the_draw() -> None:
    selection = _selection()
    gen_units = [unit for unit in selection.selected() if unit.stratum == "GEN"]
    roster = [Inspector("I1", ("GEN", "KEY")), Inspector("I2", ("KEY",)), Inspector("I3", ("GEN",))]
    conflicts = [Conflict("I3", gen_units[1].id)]
    result = assign_inspectors(SEED, selection, roster, conflicts, 2, 0)
    assert result == InsufficientEligible(gen_units[1].id, 1, 2)
    assert isinstance(result, InsufficientEligible)
    assert result.line == f"INSUFFICIENT_ELIGIBLE {gen_units[1].id}"


def test_the_stop_names_the_first_short_unit_in_processing_order() -> None:
    selection = _selection()
    result = assign_inspectors(SEED, selection, [Inspector("I1", ("GEN", "KEY"))], [], 2, 0)
    assert isinstance(result, InsufficientEligible)
    assert result.unit_id == selection.selected()[0].id


def test_the_load_cap_spreads_the_work() -> None:
    units = [Unit(f"K{n}", "KEY", 1) for n in range(8)]
    selection = draw_units(SEED, units, {"KEY": 8})
    roster = [Inspector(f"I{n}", ("KEY",)) for n in range(8)]
    capped = assign_inspectors(SEED, selection, roster, [], 2, 2)
    assert isinstance(capped, Assignment)
    assert sorted(capped.loads.values()) == [2] * 8
    uncapped = assign_inspectors(SEED, selection, roster, [], 2, 0)
    assert isinstance(uncapped, Assignment)
    assert max(uncapped.loads.values()) > 2  # this seed piles work on someone without the cap


def test_the_cap_is_exceeded_only_when_no_eligible_inspector_is_below_it() -> None:
    units = [Unit(f"K{n}", "KEY", 1) for n in range(5)]
    selection = draw_units(SEED, units, {"KEY": 5})
    roster = [Inspector(f"I{n}", ("KEY",)) for n in range(3)]
    result = assign_inspectors(SEED, selection, roster, [], 2, 1)
    assert isinstance(result, Assignment)
    assert sorted(result.loads.values()) == [3, 3, 4]  # 10 slots over 3 people, evened out


@settings(max_examples=300)
@given(
    st.lists(st.text("abcdefgh", min_size=1, max_size=2), min_size=2, max_size=9, unique=True),
    st.integers(2, 5),
    st.integers(0, 4),
    st.lists(st.integers(0, 12), min_size=9, max_size=9),
)
def test_the_pass_loop_shortcut_equals_the_literal_pass_loop(
    order: list[str], team_size: int, load_cap: int, load_values: list[int]
) -> None:
    team_size = min(team_size, len(order))
    loads = dict(zip(order, load_values, strict=False))
    literal = _literal_pass_loop(order, team_size, load_cap, loads)
    assert fill_team(order, team_size, load_cap, loads) == literal


def test_assignment_csv_has_a_header_and_team_size_rows_per_unit_in_processing_order() -> None:
    selection = _selection()
    result = assign_inspectors(SEED, selection, ROSTER, [], 3, 2)
    assert isinstance(result, Assignment)
    lines = result.csv_bytes().decode().splitlines()
    assert lines[0] == "unit_id,slot,inspector_id,position"
    rows = [line.split(",") for line in lines[1:]]
    assert [row[0] for row in rows] == [unit.id for unit in selection.selected() for _ in range(3)]
    assert [row[1] for row in rows] == ["1", "2", "3"] * 4
    strata = {unit.id: unit.stratum for unit in selection.selected()}
    for unit_id, _, inspector_id, position in rows:
        pool = [i.inspector_id for i in ROSTER if strata[unit_id] in i.strata]
        assert int(position) == _literal_walk(SEED, unit_id, pool).index(inspector_id)


def test_version_1_assignment_csv_gives_each_members_ticket() -> None:
    selection = _selection()
    result = assign_inspectors(SEED, selection, ROSTER, [], 3, 2, SPEC_V1)
    assert isinstance(result, Assignment)
    lines = result.csv_bytes().decode().splitlines()
    assert lines[0] == "unit_id,slot,inspector_id,ticket"
    rows = [line.split(",") for line in lines[1:]]
    assert [row[0] for row in rows] == [unit.id for unit in selection.selected() for _ in range(3)]
    assert [row[1] for row in rows] == ["1", "2", "3"] * 4
    for unit_id, _, inspector_id, ticket_ in rows:
        assert ticket_ == consistent_sampler.first_fraction(inspector_id, SEED + "|assign|" + unit_id)


# --- §6 a recusal found later --------------------------------------------------------------------


def _assigned(load_cap: int = 2, spec: str = SPEC_V2) -> tuple[Selection, Assignment]:
    selection = _selection()
    result = assign_inspectors(SEED, selection, ROSTER, [], 2, load_cap, spec)
    assert isinstance(result, Assignment)
    return selection, result


def _order(unit: RankedUnit, spec: str) -> list[str]:
    """The unit's order by the oracles: its literal walk (version 2) or the sampler's (version 1)."""
    pool = [i.inspector_id for i in ROSTER if unit.stratum in i.strata]
    if spec == SPEC_V2:
        return _literal_walk(SEED, unit.id, pool)
    return _oracle_order(pool, SEED + "|assign|" + unit.id)


def test_a_recusal_is_filled_by_the_next_inspector_of_the_units_walk() -> None:
    selection, assignment = _assigned(load_cap=0)
    unit = selection.selected()[0]
    team = assignment.teams()[unit.id]
    order = _order(unit, SPEC_V2)
    result = replace_inspector(SEED, unit, team, team[0], ROSTER, [], 0, assignment.loads)
    assert isinstance(result, InspectorReplacement)
    assert result.replacement == order[2]  # the first two of the walk are the team
    assert result.team == (order[2], team[1]) and result.slot == 1
    assert result.place == "2"


def test_version_1_fills_a_recusal_with_the_next_eligible_inspector_in_e_c_order() -> None:
    selection, assignment = _assigned(load_cap=0, spec=SPEC_V1)
    unit = selection.selected()[0]
    team = assignment.teams()[unit.id]
    order = _order(unit, SPEC_V1)
    result = replace_inspector(SEED, unit, team, team[0], ROSTER, [], 0, assignment.loads, (), SPEC_V1)
    assert isinstance(result, InspectorReplacement)
    assert result.replacement == order[2]  # the first two of E_c are the team
    assert result.team == (order[2], team[1]) and result.slot == 1
    assert result.place == consistent_sampler.first_fraction(order[2], SEED + "|assign|" + unit.id)


@pytest.mark.parametrize("spec", [SPEC_V2, SPEC_V1])
def test_a_recusal_follows_the_load_rule_against_the_loads_at_that_moment(spec: str) -> None:
    selection, assignment = _assigned(load_cap=0, spec=spec)
    unit = selection.selected()[0]
    team = assignment.teams()[unit.id]
    order = _order(unit, spec)
    loads = dict.fromkeys(order, 0) | dict.fromkeys(team, 1)
    loads[order[2]] = 5  # the next in order is busy: with a cap of 1 it is passed over
    result = replace_inspector(SEED, unit, team, team[1], ROSTER, [], 1, loads, (), spec)
    assert isinstance(result, InspectorReplacement) and result.replacement == order[3]
    everyone_busy = dict.fromkeys(order, 5)
    result = replace_inspector(SEED, unit, team, team[1], ROSTER, [], 1, everyone_busy, (), spec)
    assert isinstance(result, InspectorReplacement) and result.replacement == order[2]


def test_loads_move_from_the_recused_inspector_to_the_replacement() -> None:
    selection, assignment = _assigned()
    unit = selection.selected()[2]
    team = assignment.teams()[unit.id]
    result = replace_inspector(SEED, unit, team, team[0], ROSTER, [], 2, assignment.loads)
    assert isinstance(result, InspectorReplacement)
    assert result.loads[team[0]] == assignment.loads[team[0]] - 1
    assert result.loads[result.replacement] == assignment.loads[result.replacement] + 1
    assert sum(result.loads.values()) == sum(assignment.loads.values())


@pytest.mark.parametrize("spec", [SPEC_V2, SPEC_V1])
def test_an_inspector_who_recused_is_not_chosen_again_and_conflicts_still_hold(spec: str) -> None:
    selection, assignment = _assigned(load_cap=0, spec=spec)
    unit = selection.selected()[0]
    team = assignment.teams()[unit.id]
    order = _order(unit, spec)
    conflicts = [Conflict(order[3], unit.id)]
    result = replace_inspector(
        SEED, unit, team, team[0], ROSTER, conflicts, 0, assignment.loads, [order[2]], spec
    )
    assert isinstance(result, InspectorReplacement)
    assert result.replacement == order[4]


def test_a_recusal_with_nobody_left_to_take_the_slot_is_insufficient_eligible() -> None:
    selection, assignment = _assigned()
    unit = next(u for u in selection.selected() if u.stratum == "KEY")
    team = assignment.teams()[unit.id]
    others = [i.inspector_id for i in ROSTER if "KEY" in i.strata and i.inspector_id not in team]
    result = replace_inspector(SEED, unit, team, team[0], ROSTER, [], 2, assignment.loads, others)
    assert result == InsufficientEligible(unit.id, 1, 2)


def test_loads_that_do_not_count_the_team_are_refused() -> None:
    selection, assignment = _assigned()
    unit = selection.selected()[0]
    team = assignment.teams()[unit.id]
    with pytest.raises(DrawError, match="do not count the team"):
        replace_inspector(SEED, unit, team, team[0], ROSTER, [], 2, dict.fromkeys(assignment.loads, 0))


def test_only_a_team_member_can_recuse() -> None:
    selection, assignment = _assigned()
    unit = selection.selected()[0]
    outsider = next(i.inspector_id for i in ROSTER if i.inspector_id not in assignment.teams()[unit.id])
    with pytest.raises(DrawError, match="not on the team"):
        replace_inspector(SEED, unit, assignment.teams()[unit.id], outsider, ROSTER, [], 2, assignment.loads)


# --- the whole draw and its speed ----------------------------------------------------------------


def test_run_draw_chains_seed_selection_and_assignment() -> None:
    inputs = read_draw_inputs(*_inputs())
    result = run_draw(inputs, ["w", "3141"])
    assert result.seed == derive_seed(result.preimage)
    assert result.selection == draw_units(result.seed, inputs.population, inputs.params.sizes)
    assert result.assignment == assign_inspectors(
        result.seed, result.selection, inputs.inspectors, inputs.conflicts, 2, 1
    )
    assert isinstance(result.assignment, Assignment)
    for unit_id, team in result.assignment.teams().items():
        assert not (unit_id == "A1" and "I2" in team)


def test_a_large_draw_writes_the_same_selection_csv_in_a_second_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From PARALLEL_CSV_ROWS units on, selection.csv is written in a forked process while the
    teams are assigned: the bytes are those written in this process."""
    inputs = read_draw_inputs(*_inputs())
    inline = run_draw(inputs, ["w", "3141"])
    monkeypatch.setattr(draw_module, "PARALLEL_CSV_ROWS", 1)
    meanwhile = run_draw(inputs, ["w", "3141"])
    if draw_module._can_fork():
        assert "_csv" in meanwhile.selection.__dict__  # written by the other process
    assert meanwhile.selection.csv_bytes() == inline.selection.csv_bytes()
    assert meanwhile.selection.csv_bytes().startswith(b"stratum,rank,id,key,selected\nGEN,1,C3,")
    assert meanwhile.assignment == inline.assignment


def test_selection_csv_written_in_two_parts_is_the_whole_file_at_any_split() -> None:
    units = [Unit(f"U{n:02d}", ("GEN", "KEY", "SPC")[n % 3], 1 + n % 4) for n in range(14)]
    selection = draw_units(SEED, units, {"GEN": 2, "KEY": 1, "SPC": 3})
    whole = selection.csv_bytes()
    for split in range(len(units) + 1):
        assert selection._csv_rows(0, split, header=True) + selection._csv_rows(split, None) == whole


def test_a_ranked_unit_line_is_the_selection_csv_row() -> None:
    assert RankedUnit("KEY", 3, "A1", "0.12", False).line() == "KEY,3,A1,0.12,0"


def test_a_large_weighted_population_draws_exactly_as_ticket_by_ticket_in_two_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The hot loop (three-digit pre-comparison, the second process) gives each unit's key exactly
    as :func:`unit_key` computes it ticket by ticket, and the two processes' rankings, merged,
    are the ranking of one process. (Speed is measured in bench/draw.py.)"""
    rng = random.Random(7)
    units = [Unit(f"91652301MA{n:08d}", rng.choice(["KEY", "GEN", "SPC"]), rng.randint(1, 10))
             for n in range(20_000)]
    monkeypatch.setattr(draw_module, "PARALLEL_TICKETS", 50_000)  # a second process from here
    selection = draw_units(SEED, units, {"KEY": 400, "GEN": 400, "SPC": 200})
    data = selection.csv_bytes()
    assert data.count(b"\n") == 20_001
    sample = rng.sample(units, 300)
    for unit in sample:
        assert selection.unit(unit.id).key == unit_key(SEED, unit.id, unit.weight)
    assert [selection.unit(u.id).key for u in sample] == unit_keys(
        draw_module.ticket_prefix(SEED), [u.id for u in sample], [u.weight for u in sample])
    monkeypatch.setattr(draw_module, "PARALLEL_TICKETS", 10**9)  # one process
    alone = draw_units(SEED, units, {"KEY": 400, "GEN": 400, "SPC": 200})
    assert alone == selection
    assert alone.csv_bytes() == data


@given(st.lists(st.tuples(st.text("0123456789", min_size=1, max_size=4), ids),
                unique_by=lambda pair: pair[1]))
def test_entries_sort_exactly_as_key_then_id(pairs: list[tuple[str, str]]) -> None:
    """A stratum is ranked by sorting its entries "KEY,id": the same order as (KEY, id), even
    where one key is a prefix of another or two keys are equal (short keys make both common)."""
    keyed = [("0." + digits, unit_id) for digits, unit_id in pairs]
    entries = [f"{key}{draw_module.ENTRY_SEPARATOR}{unit_id}" for key, unit_id in keyed]
    assert [draw_module.entry_parts(entry) for entry in sorted(entries)] == sorted(keyed)


def _put_each(room: draw_module._Room, *parts: bytes) -> list[tuple[int, int] | bytes]:
    return [room.put(part) for part in parts]


def _fails(room: draw_module._Room) -> None:
    raise DrawError("weight of U1 must be 1..10, got 11")


def _dies_there(room: draw_module._Room, parent: int) -> str:
    if os.getpid() != parent:
        os._exit(3)
    return "answered here"


def test_the_second_process_answers_through_shared_memory_or_else_through_the_pipe() -> None:
    parts = (b"first rows\n", b"", b"x" * 5000)
    with draw_module._SecondProcess(_put_each, *parts, room=6000) as second:
        placed = second.answer()
        assert [second.room.joined(where, b"") for where in placed] == list(parts)
    with draw_module._SecondProcess(_put_each, *parts, room=100) as second:
        placed = second.answer()
        assert placed[2] == b"x" * 5000  # no room for it: it came back pickled
        assert [second.room.joined(where, b"") for where in placed] == list(parts)
        assert [second.room.text(where) for where in placed] == [p.decode() for p in parts]
        assert second.room.joined(placed[0], b"rest") == b"first rows\nrest"
        assert second.room.joined(placed[2], b"!") == b"x" * 5000 + b"!"


def test_an_error_in_the_second_process_is_raised_in_the_first() -> None:
    with pytest.raises(DrawError, match="weight of U1"), draw_module._SecondProcess(_fails) as second:
        second.answer()


def test_the_work_of_a_second_process_that_ends_without_an_answer_is_done_here() -> None:
    with draw_module._SecondProcess(_dies_there, os.getpid()) as second:
        assert second.answer() == "answered here"
    assert second._process.exitcode == 3


def test_the_work_of_a_second_process_that_cannot_start_is_done_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_process(self: object) -> None:
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", no_process)
    with draw_module._SecondProcess(_put_each, b"rows", room=100) as second:
        assert second.room.joined(second.answer()[0], b"") == b"rows"


def test_where_fork_is_unsafe_the_second_process_is_a_fresh_interpreter_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In a process with threads (the HTTP service) a fork is unsafe: the second process is then
    spawned, handed its share pickled, and answers through the pipe alone."""
    units = [Unit(f"91652301MA{n:08d}", ("KEY", "GEN")[n % 2], 1 + n % 10) for n in range(3_000)]
    sizes = {"KEY": 100, "GEN": 50}
    alone = draw_units(SEED, units, sizes)
    monkeypatch.setattr(draw_module, "PARALLEL_TICKETS", 1_000)
    monkeypatch.setattr(draw_module, "_can_fork", lambda: False)
    spawned = draw_units(SEED, units, sizes)
    assert spawned == alone
    assert spawned.csv_bytes() == alone.csv_bytes()


def test_a_tie_in_the_first_digits_is_decided_by_the_full_tickets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(draw_module, "_LOW", 1)  # every pre-comparison ties
    keys = unit_keys(draw_module.ticket_prefix(SEED), ["A1", "B2"], [7, 10])
    assert keys == [unit_key(SEED, "A1", 7), unit_key(SEED, "B2", 10)]
