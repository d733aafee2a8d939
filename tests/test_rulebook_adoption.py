"""An agency adopts rulebooks by event (who approved, why, from when) and files its annual plan."""

from __future__ import annotations

import pytest

from ledger.demo.county import unit_rows
from ledger.domain.agency import Agency, AgencyRuleError
from ledger.domain.rulebook_presets import preset
from ledger.services.ledger import Ledger

#: Rules checked through the application: once, on the embedded database (storage is
#: covered on both by test_log, test_chain, test_tamper and the projection tests).
pytestmark = pytest.mark.sqlite_only


def _county() -> Agency:
    return Agency.establish("昌吉州生态环境局昌吉市分局", "652301", "county")


def test_the_rulebook_in_force_is_the_latest_adopted_on_or_before_a_day() -> None:
    county = _county()
    first = preset("changji-county-2015").adopt("2015-07-01")
    later = preset("changji-hitech-2021").adopt("2021-09-01")
    county.adopt_rulebook(first, approved_by="局务会", reason="执行州局实施方案")
    county.adopt_rulebook(later, approved_by="局务会", reason="更新实施细则")
    assert county.rulebook_in_force("2015-06-30") is None
    assert county.rulebook_in_force("2020-01-01") == first
    assert county.rulebook_in_force("2021-09-01") == later


def test_adopting_a_rulebook_records_who_approved_it_and_why() -> None:
    county = _county()
    book = preset("changji-county-2015").adopt("2015-07-01")
    with pytest.raises(AgencyRuleError, match="approved_by"):
        county.adopt_rulebook(book, approved_by=" ", reason="x")
    with pytest.raises(AgencyRuleError, match="reason"):
        county.adopt_rulebook(book, approved_by="局务会", reason="")
    with pytest.raises(AgencyRuleError, match="adopted_from"):
        county.adopt_rulebook(preset("inner-mongolia-banner"), approved_by="局务会", reason="x")
    county.collect_events()
    county.adopt_rulebook(book, approved_by="局务会", reason="执行州局实施方案")
    (adopted,) = county.collect_events()
    assert adopted.approved_by == "局务会"  # type: ignore[attr-defined]
    assert adopted.rulebook["name"] == "changji-county-2015"  # type: ignore[attr-defined]


def test_the_annual_plan_is_computed_from_the_directories_and_filed(ledger: Ledger) -> None:
    app = ledger.app
    county = app.establish_agency("昌吉州生态环境局昌吉市分局", "652301", "county")
    app.register_objects(county, unit_rows(40))  # 16 key, 4 special, 20 general
    app.register_inspectors(county, [
        {"name": f"执法员{n}", "certificate_no": f"6523019900{n:02d}", "post": "执法队员"}
        for n in range(14)
    ])
    with pytest.raises(AgencyRuleError, match="no rulebook in force"):
        app.file_plan(county, 2026, approved_by="局务会")
    app.adopt_rulebook(county, preset("changji-county-2015").adopt("2025-12-01"),
                       approved_by="局务会", reason="执行州局实施方案")
    plan = app.file_plan(county, 2026, approved_by="局务会")
    assert plan.quota(1, "key").required == 4  # 16 key units at 25 % a quarter
    general = plan.category("general")
    assert general.rule_figure == 140  # 14 officers at 1:10 a year ...
    assert (general.required, general.capped) == (80, True)  # ... but only 20 units a quarter
    assert plan.quota(1, "special").required == 2  # 4 special objects at 50 %
    stored: Agency = app.repository.get(county)
    assert stored.plans[2026]["officers"] == 14
