"""The demo: a generated county and its prefecture under the seed 000 rulebooks, written once."""

from __future__ import annotations

from ledger.demo.county import DEMO_PLAN_YEAR, run_demo_draws, write_county_demo
from ledger.domain.agency import Agency, agency_id
from ledger.services.directory_view import directories
from ledger.services.ledger import Ledger


def test_the_demo_county_has_its_directories_rulebooks_and_plan(ledger: Ledger) -> None:
    summary = write_county_demo(ledger.app, units=60, inspectors=8)
    assert (summary.agencies, summary.units_added, summary.inspectors_added) == (2, 60, 8)
    county: Agency = ledger.app.repository.get(agency_id("652301"))
    prefecture: Agency = ledger.app.repository.get(agency_id("652300"))
    assert county.parent_id == str(prefecture.id)
    assert county.rulebook_in_force("2026-01-01").name == "changji-county-2015"  # type: ignore[union-attr]
    assert prefecture.rulebook_in_force("2026-01-01").name == "changji-prefecture-2015"  # type: ignore[union-attr]
    assert summary.plan is not None and summary.plan.year == DEMO_PLAN_YEAR
    view = directories(ledger.app, county.id)
    assert sum(view.population().values()) == 60
    assert sum(len(i.conflicts) for i in view.inspectors) == summary.conflicts


def test_running_the_demo_again_writes_nothing(ledger: Ledger) -> None:
    write_county_demo(ledger.app, units=30, inspectors=5)
    before = len(ledger.app.notifications(1, 10_000))
    again = write_county_demo(ledger.app, units=30, inspectors=5)
    assert (again.agencies, again.units_added, again.inspectors_added, again.conflicts,
            again.rulebooks, again.plan) == (0, 0, 0, 0, 0, None)
    assert len(ledger.app.notifications(1, 10_000)) == before


def test_the_demo_runs_the_2026q1_draws_once(ledger: Ledger) -> None:
    write_county_demo(ledger.app, units=60, inspectors=8)
    draws = run_demo_draws(ledger.app, ledger.settings.keys_dir)
    assert [(d.draw_id, d.status, d.ran) for d in draws] == [
        ("652301-2026Q1-units", "fixed", True), ("652300-2026Q1-audit", "fixed", True)]
    assert draws[1].selected == {"AGY": 1} and all(d.list_hash for d in draws)
    before = len(ledger.app.notifications(1, 10_000))
    again = run_demo_draws(ledger.app, ledger.settings.keys_dir)
    assert [(d.list_hash, d.ran) for d in again] == [(d.list_hash, False) for d in draws]
    assert len(ledger.app.notifications(1, 10_000)) == before
