"""``spotcheck demo``: a small but realistic ledger, written from nothing.

A prefecture bureau and one of its county bureaus (Changji, Xinjiang: the setting of seed 000),
the county's inspection-object directory (key, general and special-supervision units with valid
unified social credit codes) and its inspector directory, then a few ordinary directory changes:
a reclassification and a closure (剔除). Later issues grow this into a full quarter.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from uuid import UUID

from stdnum.cn import uscc

from ledger.agency import agency_id
from ledger.application import LedgerApp
from ledger.inspector import inspector_id

# Deterministic names: the demo is a fixture, not a random generator.
_PREFIXES = ("天山", "准噶尔", "博格达", "玛纳斯", "呼图壁", "阜康", "吉木萨尔", "奇台", "木垒", "北庭")
_TRADES = (
    ("热电有限公司", "key"), ("化工有限责任公司", "key"), ("水泥有限公司", "key"),
    ("污水处理有限公司", "key"), ("煤业有限公司", "special"), ("食品有限公司", "general"),
    ("建材厂", "general"), ("汽车修理厂", "general"), ("印刷有限公司", "general"),
    ("农牧科技有限公司", "general"),
)
_INSPECTORS = (
    ("王建国", "执法大队队长"), ("李娜", "执法队员"), ("张伟", "执法队员"), ("刘洋", "执法队员"),
    ("陈静", "执法队员"), ("杨帆", "监测站工程师"), ("赵磊", "执法队员"), ("阿依古丽", "执法队员"),
)


@dataclass(frozen=True)
class DemoSummary:
    agencies: int
    objects: int
    inspectors: int
    changes: int


def credit_code(serial: int, division: str = "652301") -> str:
    """A well-formed unified social credit code (GB 32100) for demo unit number ``serial``.

    Registration authority 9 and type 1 (an enterprise registered with market regulation), the
    division code, a numeric organisation code with its GB 11714 check digit, then the GB 32100
    check character computed by python-stdnum.
    """
    organisation = f"{31_000_000 + serial:08d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    remainder = 11 - sum(int(c) * w for c, w in zip(organisation, weights, strict=True)) % 11
    check = {10: "X", 11: "0"}.get(remainder, str(remainder))
    body = f"91{division}{organisation}{check}"
    return body + uscc.calc_check_digit(body)


def unit_rows(
    count: int, county: str = "昌吉市", division: str = "652301", first: int = 1
) -> list[dict[str, str]]:
    """``count`` deterministic inspection-object rows of one county, serials from ``first``:
    names, credit codes and categories as the demo registers them (the benchmarks use them too)."""
    rows = []
    for n in range(first - 1, first - 1 + count):
        trade, category = _TRADES[n % len(_TRADES)]
        prefix = _PREFIXES[n // len(_TRADES) % len(_PREFIXES)]
        rows.append({
            "name": f"{county}{prefix}{trade}" + (f"（{n // 100 + 1}号）" if n >= 100 else ""),
            "credit_code": credit_code(n + 1, division),
            "category": category,
            "county": county,
        })
    return rows


def write_demo(app: LedgerApp, size: int = 40) -> DemoSummary:
    """Write the demo agencies (once), a new series of units and inspectors, and two changes.

    Run again on the same ledger, it adds another series (new credit codes and certificate
    numbers) under the same two agencies, so a repeated demo never collides with itself.
    """
    rng = random.Random(20251231)
    prefecture, new_prefecture = _ensure_agency(app, "昌吉回族自治州生态环境局", "652300", "prefecture")
    county, new_county = _ensure_agency(app, "昌吉州生态环境局昌吉市分局", "652301", "county", prefecture)
    series = _next_series(app)
    objects = app.register_objects(county, unit_rows(size, first=(series - 1) * 100_000 + 1))
    inspectors = app.register_inspectors(county, [
        {"name": name, "certificate_no": _certificate(series, n), "post": post}
        for n, (name, post) in enumerate(_INSPECTORS, start=1)
    ])
    app.reclassify_object(objects[rng.randrange(size)], "special", "群众投诉较多（多次信访）")
    app.close_object(objects[rng.randrange(size)], "企业已搬迁出本辖区，依规剔除")
    return DemoSummary(agencies=int(new_prefecture) + int(new_county), objects=len(objects),
                       inspectors=len(inspectors), changes=2)


def _ensure_agency(
    app: LedgerApp, name: str, code: str, kind: str, parent: UUID | None = None
) -> tuple[UUID, bool]:
    existing = agency_id(code)
    if existing in app.repository:
        return existing, False
    return app.establish_agency(name, code, kind, parent), True


def _certificate(series: int, n: int) -> str:
    return f"652301{series:03d}{n:03d}"


def _next_series(app: LedgerApp) -> int:
    series = 1
    while inspector_id(_certificate(series, 1)) in app.repository:
        series += 1
    return series
