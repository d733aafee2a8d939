"""The steps of a by-the-book draw ceremony, shared by the tests of the draw and of what follows it."""

from __future__ import annotations

import hashlib
from datetime import date

from conftest import COUNTY

from ledger.services.ceremony import Ceremony

PERIOD = "2026Q1"
FREEZE_DAY = date(2025, 12, 29)  # inside the last 5 working days of 2025 (25, 26, 29, 30, 31 Dec)
WITNESS_VALUES = {1: "7391-纪检", 2: "公证-0457"}
DICE = "4251663"
PLAN = [("witness", "纪检监察干部 王芳"), ("witness", "公证员 李强"), ("dice", "现场掷骰")]


def commitment(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def seeded(ceremony: Ceremony) -> str:
    """The county's 2026Q1 draw frozen, two witnesses committed and revealed, dice, seed."""
    draw = ceremony.freeze(COUNTY, PERIOD, FREEZE_DAY, PLAN)
    for k, value in WITNESS_VALUES.items():
        ceremony.commit(draw.draw_id, k, PLAN[k - 1][1], "见证人", commitment(value))
    for k, value in WITNESS_VALUES.items():
        ceremony.record_entropy(draw.draw_id, k, value, [])
    ceremony.record_entropy(draw.draw_id, 3, DICE, ["王芳", "李强"])
    ceremony.derive_seed(draw.draw_id, "局长")
    return draw.draw_id


def fixed(ceremony: Ceremony) -> str:
    """... then run and fixed by the bureau's meeting."""
    draw_id = seeded(ceremony)
    ceremony.run(draw_id)
    ceremony.fix(draw_id, "局务会", FREEZE_DAY)
    return draw_id
