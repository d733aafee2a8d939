"""A synthetic province generator (合成数据) for the demo, the tests and the benchmarks.

Everything is plain data (frozen dataclasses, dicts and lists), never aggregates, so a caller feeds it
to the application in batches of its own choosing. Everything is deterministic from an integer seed:
only ``random.Random`` instances seeded from it are used (no global random state, no clock, no I/O).

What is real and what is made up:

* **Real**: the province, its prefectures (地级) and counties (县级) — codes and names from the GB/T 2260
  dataset behind :func:`ledger.codes.division.lookup_division` (python-stdnum ``cn/loc``), current divisions
  only (none retired). Placeholder entries (市辖区, 县, 自治区直辖县级行政单位 …) are skipped, and so
  are provinces' directly administered county-level cities (codes XX90XX), which have no prefecture.
  Telephone area codes (长途区号) are real for Xinjiang, Inner Mongolia, Shandong and Hebei (the seeds'
  provinces); elsewhere every phone number is a mobile number.
* **Made up**: one hi-tech zone per province (高新技术产业开发区, agency kind ``park``) under the first
  prefecture, with the synthetic division code ``<prefecture's 4 digits>71`` — or the first of
  ``72`` … ``79`` when the dataset has ever listed ``…71`` — so that it never collides with a real code.
  Units, names, people and numbers are invented; they are shaped like the real ones.

The rows (one ``dict[str, str]`` per unit, the keyword arguments of
:meth:`ledger.domain.directory.InspectionObject.register` without ``agency_id``):

* ``credit_code`` (统一社会信用代码, GB 32100): registered at the county's own division code (the
  zone's units at the prefecture's), so it parses without warnings; enterprises ``91``, individual
  businesses ``92`` (汽修部, 洗涤服务部), farmers' cooperatives ``93`` (养殖专业合作社), public hospitals
  ``12`` and private ones ``52``. The organisation code inside it (组织机构代码, GB 11714) is either a
  legacy eight-digit body or a post-2015 ``MA`` body, drawn from two seed-keyed bijections of a
  province-wide serial, so every organisation code — and hence every credit code — in a province is
  unique.
* ``category``: per county an exact, shuffled mix — key units (重点排污单位) 11–18 %, special-supervision
  objects (特殊监管对象) 5 %, the rest general (一般); construction projects (建设项目, ``kind`` =
  ``construction_project``) are 3 % of the general rows.
* ``control_level`` for key units (国控/省控/市控/县控) drawn 10/20/30/40 %; special objects were key
  units (with their control level) for 40 % and general units (no control level) for 60 %.
* ``fixed_source_code`` (山东省固定污染源编码, seed 002 annex 2): ``<env code><division>-<organisation
  code>[(1)]`` with env code 11/12/13/14 for key units by control level, 24 for general units of a
  county-level agency and 23 for those of the zone (which the prefecture supervises directly: 市一般排污
  单位), ``(1)`` for special objects; the division is the one in the credit code. Construction projects
  carry none: they are not yet discharging units of the dynamic database (污染源日常监管动态信息库).
* ``risk_grade`` (风险等级), chosen here: ``A`` low, ``B`` moderate, ``C`` elevated, ``D`` high environmental
  risk; general units lean to A/B, key units to B/C, special objects to C/D.
* ``organisation_code`` printed with its hyphen (``12345678-9``), ``legal_representative``, ``phone``
  (``0994-2345678`` or a mobile number), ``industry`` (国民经济行业 names), ``address``.

Inspector rows (:meth:`ledger.domain.inspector.Inspector.register` without ``agency_id``): certificate numbers
(执法证号) ``<county division><5-digit serial>`` for officers and ``ZJ<county division><3-digit serial>``
for outside experts (外聘专家, about 10 %), so unique across the province. Conflicts of interest
(利害关系) are ``(certificate_no, credit_code, reason)`` within one county, about one per seven inspectors.

For large provinces use :func:`iter_counties`, which yields one county at a time; each county has its
own ``Random``, seeded with ``seed × 1,000,000 + county code`` (injective in both), and its units are
numbered by the county's position in the agency list. :func:`generate_province` just collects it.
Speed (``bench/generate.py``): about 55,000 units a second on one core — a 200,000-unit province in
about 3.5 s, with a peak RSS of about 70 MiB lazily and 270 MiB when collected.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from random import Random

from stdnum import numdb

from ledger.codes.credit_code import ALPHABET
from ledger.codes.division import DivisionError, lookup_division
from ledger.codes.fixed_source_code import FixedSourceCode, env_code_for
from ledger.codes.organisation_code import format_organisation_code, organisation_check_character

# -- shares -----------------------------------------------------------------------------------------
KEY_SHARE = (0.11, 0.18)
"""Per county, the share of key units (重点排污单位) is drawn from this range."""
SPECIAL_SHARE = 0.05
"""The share of special-supervision objects (特殊监管对象) in each county."""
CONSTRUCTION_SHARE = 0.03
"""The share of construction projects (建设项目) in each county (all general)."""
CONTROL_LEVEL_WEIGHTS = {"national": 10, "provincial": 20, "city": 30, "county": 40}
"""Key units' control levels (国控/省控/市控/县控), by weight."""
SPECIAL_WAS_KEY = 0.4
"""The share of special objects that are key units underneath (the rest are general units)."""
RISK_GRADES = ("A", "B", "C", "D")
"""风险等级: A low, B moderate, C elevated, D high environmental risk."""
_RISK_WEIGHTS = {"general": (50, 35, 12, 3), "key": (20, 40, 30, 10), "special": (0, 10, 40, 50)}
CONFLICTS_PER_INSPECTOR = 1 / 7
PARK_SUFFIXES = tuple(f"{n}" for n in range(71, 80))
MAX_UNITS_PER_COUNTY = 99_999
"""Units per county are numbered within a province-wide serial ``county index × 100,000 + n``."""

_LEGACY_SPACE = 10**8  # eight-digit legacy organisation code bodies
_MA_SPACE = len(ALPHABET) ** 6  # 'MA' + six GB 32100 characters (post-2015 bodies)


# -- output -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GeneratedAgency:
    """An agency to establish: ``kind`` is one of :data:`ledger.domain.agency.KINDS`; ``parent_code`` is the
    parent agency's division code (None at the top)."""

    name: str
    division_code: str
    kind: str
    parent_code: str | None


@dataclass(frozen=True)
class GeneratedCounty:
    """One county-level agency's directories: unit rows, inspector rows and conflicts of interest."""

    division_code: str
    units: list[dict[str, str]]
    inspectors: list[dict[str, object]]
    conflicts: list[tuple[str, str, str]]


@dataclass(frozen=True)
class GeneratedProvince:
    """Agencies in establishing order (parents first); per county-level division code its unit rows
    and inspector rows; conflicts as ``(certificate_no, credit_code, reason)``."""

    agencies: list[GeneratedAgency]
    units: dict[str, list[dict[str, str]]]
    inspectors: dict[str, list[dict[str, object]]]
    conflicts: list[tuple[str, str, str]]


# -- public API -------------------------------------------------------------------------------------
def generate_province(
    seed: int,
    *,
    province_code: str = "650000",
    prefectures: int | None = None,
    counties_per_prefecture: int | None = None,
    units_per_county: int = 300,
    inspectors_per_county: int = 14,
) -> GeneratedProvince:
    """A province (default 新疆维吾尔自治区 650000): its first ``prefectures`` prefectures (all when
    None), their first ``counties_per_prefecture`` counties (all when None), and a hi-tech zone under
    the first prefecture; every county-level agency gets ``units_per_county`` units and
    ``inspectors_per_county`` inspectors."""
    agencies = province_agencies(
        province_code, prefectures=prefectures, counties_per_prefecture=counties_per_prefecture
    )
    return _collect(seed, agencies, units_per_county, inspectors_per_county)


def generate_county(seed: int, units: int = 300, inspectors: int = 14) -> GeneratedProvince:
    """The demo's setting (seed 000): 昌吉回族自治州 (652300) at the top and 昌吉市 (652301) under it."""
    prefecture = _agency_for(lookup_division("652300").name, "652300", None)
    county = _agency_for(lookup_division("652301").name, "652301", prefecture)
    return _collect(seed, [prefecture, county], units, inspectors)


def province_agencies(
    province_code: str = "650000",
    *,
    prefectures: int | None = None,
    counties_per_prefecture: int | None = None,
    park: bool = True,
) -> list[GeneratedAgency]:
    """The agencies of a province in establishing order: the province, then each prefecture followed
    by its counties (and, after the first prefecture's counties, the hi-tech zone when ``park``)."""
    province = lookup_division(province_code)
    if province.level != "province" or province.retired:
        raise ValueError(f"province_code: {province_code} is not a current province-level division")
    top = _agency_for(province.name, province_code, None)
    agencies = [top]
    chosen = _children(province_code[:2], "prefecture")[:prefectures]
    if not chosen:
        raise ValueError(
            f"province_code: {province_code} {province.name} has no prefectures in GB/T 2260 "
            "(a municipality's districts are not modelled here)"
        )
    for position, (code, name) in enumerate(chosen):
        prefecture = _agency_for(name, code, top)
        agencies.append(prefecture)
        for county_code, county_name in _children(code[:4], "county")[:counties_per_prefecture]:
            agencies.append(_agency_for(county_name, county_code, prefecture))
        if park and position == 0:
            agencies.append(GeneratedAgency(
                name=f"{name}生态环境局高新技术产业开发区分局", division_code=_park_code(code),
                kind="park", parent_code=code,
            ))
    return agencies


def iter_counties(
    seed: int, agencies: list[GeneratedAgency], *, units_per_county: int = 300,
    inspectors_per_county: int = 14,
) -> Iterator[GeneratedCounty]:
    """Generate the county-level agencies' directories one county at a time (lazily).

    ``agencies`` is the whole list (as :func:`province_agencies` returns it): the position of each
    county-level agency in it numbers its units province-wide, so organisation codes stay unique.
    """
    if not 0 <= units_per_county <= MAX_UNITS_PER_COUNTY:
        raise ValueError(f"units_per_county: {units_per_county} must be 0 … {MAX_UNITS_PER_COUNTY}")
    if inspectors_per_county < 0:
        raise ValueError(f"inspectors_per_county: {inspectors_per_county} must not be negative")
    codes = _OrganisationCodes(Random(seed))
    counties = [a for a in agencies if a.kind in _COUNTY_KINDS]
    for index, agency in enumerate(counties):
        place = _place(agency)
        rng = Random(seed * 1_000_000 + int(agency.division_code))
        units = _units(rng, place, codes, index * (MAX_UNITS_PER_COUNTY + 1), units_per_county)
        inspectors = _inspectors(rng, place, inspectors_per_county)
        yield GeneratedCounty(
            division_code=agency.division_code, units=units, inspectors=inspectors,
            conflicts=_conflicts(rng, units, inspectors),
        )


# -- agencies ---------------------------------------------------------------------------------------
_COUNTY_KINDS = frozenset({"county", "banner", "county_city", "district", "park"})
_PLACEHOLDERS = frozenset({"市辖区", "县", "郊县", "矿区"})


def _children(prefix: str, level: str) -> list[tuple[str, str]]:
    """Current (not retired) divisions of ``level`` whose code starts with ``prefix``, in code order."""
    province = prefix[:2]
    found: list[tuple[str, str]] = []
    for _length, low, _high, _props, children in numdb.get("cn/loc").prefixes:
        if low != province:
            continue
        for _clength, child, _chigh, _cprops, _grandchildren in children:
            code = province + child
            if not code.startswith(prefix) or code[2:] == "0000" or code[2:4] == "90":
                continue
            division = lookup_division(code)
            if division.level != level or division.retired:
                continue
            if division.name in _PLACEHOLDERS or division.name.endswith(("行政单位", "行政区划")):
                continue
            found.append((code, division.name))
    return sorted(found)


def _agency_for(name: str, code: str, parent: GeneratedAgency | None) -> GeneratedAgency:
    level = "province" if code[2:] == "0000" else "prefecture" if code[4:] == "00" else "county"
    if level == "province":
        kind, title = ("autonomous_region" if name.endswith("自治区") else "province"), "生态环境厅"
        return GeneratedAgency(f"{name}{title}", code, kind, None)
    if level == "prefecture":
        kind = "league" if name.endswith("盟") else "city" if name.endswith("市") else "prefecture"
        return GeneratedAgency(f"{name}生态环境局", code, kind, _code_of(parent))
    kind = (
        "banner" if name.endswith("旗") else "county_city" if name.endswith("市")
        else "district" if name.endswith("区") else "county"
    )
    head = parent.name if parent else "生态环境局"
    return GeneratedAgency(f"{head}{name}分局", code, kind, _code_of(parent))


def _code_of(agency: GeneratedAgency | None) -> str | None:
    return None if agency is None else agency.division_code


def _park_code(prefecture_code: str) -> str:
    for suffix in PARK_SUFFIXES:
        code = prefecture_code[:4] + suffix
        try:
            lookup_division(code)
        except DivisionError:
            return code
    raise ValueError(f"no free park code {prefecture_code[:4]}71…79 under {prefecture_code}")


@dataclass(frozen=True)
class _Place:
    """What a county's rows need to know about where they are."""

    code: str  # the agency's division code
    registry: str  # the division registering the units' credit codes (and their fixed source codes)
    name: str  # the county's name as the rows' ``county`` field
    address_head: str  # province + prefecture + county
    province_code: str
    province_short: str
    area_code: str | None
    general_env_level: str  # 'county' (24) for a county-level agency, 'city' (23) for the zone


def _place(agency: GeneratedAgency) -> _Place:
    province_code = agency.division_code[:2] + "0000"
    province_name = lookup_division(province_code).name
    if agency.kind == "park":
        prefecture_code = agency.parent_code or agency.division_code[:4] + "00"
        prefecture_name = lookup_division(prefecture_code).name
        county_name = f"{prefecture_name}高新技术产业开发区"
        registry, general_level, head = prefecture_code, "city", f"{province_name}{county_name}"
    else:
        division = lookup_division(agency.division_code)
        prefecture_code = agency.division_code[:4] + "00"
        county_name, registry, general_level = division.name, agency.division_code, "county"
        head = f"{province_name}{division.prefecture or ''}{county_name}"
    return _Place(
        code=agency.division_code, registry=registry, name=county_name, address_head=head,
        province_code=province_code, province_short=_province_short(province_name),
        area_code=_AREA_CODES.get(agency.division_code, _AREA_CODES.get(prefecture_code)),
        general_env_level=general_level,
    )


def _province_short(name: str) -> str:
    for full, short in _PROVINCE_SHORT.items():
        if name.startswith(full):
            return short
    return name.removesuffix("省").removesuffix("市")


_PROVINCE_SHORT = {"新疆": "新疆", "内蒙古": "内蒙古", "广西": "广西", "西藏": "西藏", "宁夏": "宁夏"}

# 长途区号 of the seeds' provinces (Xinjiang: seeds 000/003; Inner Mongolia: 004; Shandong: 002;
# Hebei: 001), by prefecture code; county-level cities with their own code override.
_AREA_CODES: dict[str, str] = {
    "650100": "0991", "650200": "0990", "650400": "0995", "650500": "0902", "652300": "0994",
    "652700": "0909", "652800": "0996", "652900": "0997", "653000": "0908", "653100": "0998",
    "653200": "0903", "654000": "0999", "654003": "0992", "654200": "0901", "654300": "0906",
    "150100": "0471", "150200": "0472", "150300": "0473", "150400": "0476", "150500": "0475",
    "150600": "0477", "150700": "0470", "150800": "0478", "150900": "0474", "152200": "0482",
    "152500": "0479", "152900": "0483",
    "370100": "0531", "370200": "0532", "370300": "0533", "370400": "0632", "370500": "0546",
    "370600": "0535", "370700": "0536", "370800": "0537", "370900": "0538", "371000": "0631",
    "371100": "0633", "371300": "0539", "371400": "0534", "371500": "0635", "371600": "0543",
    "371700": "0530",
    "130100": "0311", "130200": "0315", "130300": "0335", "130400": "0310", "130500": "0319",
    "130600": "0312", "130700": "0313", "130800": "0314", "130900": "0317", "131000": "0316",
    "131100": "0318",
}
_EIGHT_DIGIT_AREAS = frozenset({"0531", "0532", "0311"})
_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "156", "158", "159", "177", "180", "181", "182", "186", "187", "188", "189", "199",
)


# -- organisation codes -----------------------------------------------------------------------------
class _OrganisationCodes:
    """Two seed-keyed bijections (affine maps) from a province-wide serial to organisation code
    bodies: eight digits (legacy codes) or 'MA' + six GB 32100 characters (codes issued since 2015)."""

    def __init__(self, rng: Random) -> None:
        self.legacy_a = rng.randrange(1, _LEGACY_SPACE // 10) * 10 + rng.choice((1, 3, 7, 9))
        self.legacy_b = rng.randrange(_LEGACY_SPACE)
        self.ma_a = rng.randrange(1, _MA_SPACE)
        while self.ma_a % len(ALPHABET) == 0:
            self.ma_a = rng.randrange(1, _MA_SPACE)
        self.ma_b = rng.randrange(_MA_SPACE)

    def body(self, serial: int, legacy: bool) -> str:
        if legacy:
            return f"{(self.legacy_a * serial + self.legacy_b) % _LEGACY_SPACE:08d}"
        value = (self.ma_a * serial + self.ma_b) % _MA_SPACE
        chars = []
        for _ in range(6):
            value, digit = divmod(value, len(ALPHABET))
            chars.append(ALPHABET[digit])
        return "MA" + "".join(reversed(chars))


# -- units ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Industry:
    name: str  # 国民经济行业分类 (GB/T 4754) name, as directories write it
    suffixes: tuple[str, ...]
    key_weight: float
    general_weight: float


_INDUSTRIES = (
    _Industry("火力发电", ("热电有限责任公司", "发电有限公司", "电厂"), 8, 0.3),
    _Industry("热力生产和供应", ("热力有限公司", "供热有限责任公司"), 6, 2),
    _Industry("水泥制造", ("水泥有限责任公司", "水泥有限公司"), 7, 1),
    _Industry("化学原料和化学制品制造业", ("化工有限责任公司", "化学有限公司", "精细化工有限公司"), 10, 2),
    _Industry("石油加工、炼焦和核燃料加工业", ("石化有限公司", "焦化有限责任公司"), 5, 0.5),
    _Industry("煤炭开采和洗选业", ("煤业有限责任公司", "矿业有限公司", "洗煤厂"), 7, 2),
    _Industry("黑色金属冶炼和压延加工业", ("钢铁有限公司", "特钢有限责任公司"), 4, 0.5),
    _Industry("有色金属冶炼和压延加工业", ("铝业有限公司", "有色金属有限公司"), 4, 0.5),
    _Industry("医药制造业", ("制药有限公司", "药业有限公司"), 2, 1),
    _Industry("污水处理及其再生利用", ("污水处理有限公司", "水务有限责任公司"), 8, 1),
    _Industry("危险废物治理", ("环保科技有限公司", "固废处置有限公司"), 3, 0.3),
    _Industry("食品制造业", ("食品有限公司", "乳业有限责任公司", "番茄制品有限公司"), 2, 8),
    _Industry("农副食品加工业", ("粮油有限公司", "棉业有限公司", "肉类加工厂"), 1, 8),
    _Industry("纺织业", ("纺织有限公司", "棉纺有限责任公司"), 1, 3),
    _Industry("汽车修理与维护", ("汽车修理厂", "汽车服务有限公司", "汽修部"), 0, 10),
    _Industry("印刷", ("印刷有限公司", "印务有限责任公司", "彩印厂"), 0.2, 5),
    _Industry("畜禽养殖", ("牧业有限公司", "养殖专业合作社", "养殖场"), 3, 8),
    _Industry("医院", ("医院", "中医医院", "口腔医院"), 2, 4),
    _Industry("砖瓦、石材等建筑材料制造", ("建材厂", "新型建材有限公司", "砖厂"), 0.5, 6),
    _Industry("水泥制品制造", ("商品混凝土有限公司", "混凝土有限责任公司"), 0.3, 5),
    _Industry("金属制品业", ("金属制品有限公司", "钢结构有限公司"), 0.5, 5),
    _Industry("家具制造业", ("家具厂", "木业有限公司"), 0, 3),
    _Industry("洗染服务", ("洗涤服务部", "干洗店"), 0, 2),
    _Industry("机动车燃油零售", ("加油站",), 0, 4),
)
_KEY_WEIGHTS = [i.key_weight for i in _INDUSTRIES]
_GENERAL_WEIGHTS = [i.general_weight for i in _INDUSTRIES]
# (registration authority, organisation type) by name suffix (GB 32100-2015 表1); default 9/1 (企业).
_INDIVIDUAL = frozenset({"汽修部", "洗涤服务部", "干洗店"})  # 92 个体工商户
_COOPERATIVE = frozenset({"养殖专业合作社"})  # 93 农民专业合作社
_HOSPITALS = frozenset({"医院", "中医医院", "口腔医院"})  # 12 事业单位 or 52 民办非企业单位

_BRANDS = (
    "天山", "博格达", "天恒", "鑫源", "华泰", "金盛", "宏达", "永昌", "瑞丰", "恒通", "中泰", "新能",
    "广汇", "西部", "丝路", "绿洲", "雪莲", "胡杨", "昆仑", "金桥", "宏远", "泰昌", "正大", "汇通",
    "晨光", "聚源", "天润", "德隆", "众和", "嘉禾", "兴业", "鸿运", "华源", "信达", "利民", "丰源",
    "天欣", "金泉", "盛达", "宝丰", "安泰", "长青", "顺鑫", "荣盛", "康源", "益民", "春晖", "新华",
    "屯河", "北庭", "准东", "圣雄", "嘉润", "国泰", "赛里木", "五彩湾", "金山", "银河", "瑞祥", "润泽",
)
_ROADS = (
    "北京路", "天山路", "建设路", "人民路", "解放路", "文化路", "团结路", "迎宾路", "长宁路", "延安路",
    "友谊路", "和平路", "光明路", "世纪大道", "幸福路", "新华路", "胜利路", "工业大道", "创业路", "科技路",
)
_DIRECTIONS = ("", "", "东", "西", "南", "北")
_PROJECTS = (
    "扩建项目", "技术改造项目", "新建生产线项目", "二期工程", "搬迁改造项目", "超低排放改造项目",
    "污染防治设施提标改造项目",
)


def _units(rng: Random, place: _Place, codes: _OrganisationCodes, first_serial: int, count: int
           ) -> list[dict[str, str]]:
    categories = _category_plan(rng, count)
    seen_names: set[str] = set()
    rows = []
    for n, (category, was_key, construction) in enumerate(categories):
        key_like = category == "key" or was_key
        industry = rng.choices(_INDUSTRIES, _KEY_WEIGHTS if key_like else _GENERAL_WEIGHTS)[0]
        suffix = rng.choice(industry.suffixes)
        company = _unique_name(rng, place, suffix, seen_names)
        authority, org_type = _registration(rng, suffix)
        body = codes.body(first_serial + n, legacy=rng.random() < 0.45)
        organisation = body + organisation_check_character(body)
        row = {
            "name": f"{company}{rng.choice(_PROJECTS)}" if construction else company,
            "credit_code": _credit_code(f"{authority}{org_type}{place.registry}{organisation}"),
            "category": category,
            "county": place.name,
            "kind": "construction_project" if construction else "unit",
            "organisation_code": format_organisation_code(organisation),
            "legal_representative": _person(rng, place.province_code),
            "phone": _phone(rng, place.area_code),
            "industry": industry.name,
            "address": _address(rng, place),
            "risk_grade": rng.choices(RISK_GRADES, _RISK_WEIGHTS[category])[0],
        }
        control_level = _control_level(rng) if key_like else ""
        if control_level:
            row["control_level"] = control_level
        if not construction:
            env_code = env_code_for(control_level or place.general_env_level,
                                    "key" if key_like else "general")
            row["fixed_source_code"] = FixedSourceCode(
                env_code, place.registry, organisation, special=category == "special"
            ).text()
        rows.append(row)
    return rows


_GB32100_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3**i mod 31
_ALPHABET_VALUE = {c: v for v, c in enumerate(ALPHABET)}


def _credit_code(body17: str) -> str:
    """Append the GB 32100 check character, computed as ``stdnum.cn.uscc.calc_check_digit`` does but
    without its input cleaning (which dominated the generator's profile); the parts are valid by
    construction and the tests parse every code with :func:`ledger.codes.credit_code.parse_credit_code`."""
    total = sum(_ALPHABET_VALUE[c] * w for c, w in zip(body17, _GB32100_WEIGHTS, strict=True))
    return body17 + ALPHABET[-total % 31]


def _category_plan(rng: Random, count: int) -> list[tuple[str, bool, bool]]:
    """(category, special object that is a key unit underneath, construction project), shuffled, in
    exact per-county proportions."""
    key = round(count * rng.uniform(*KEY_SHARE))
    special = round(count * SPECIAL_SHARE)
    special_key = round(special * SPECIAL_WAS_KEY)
    construction = round(count * CONSTRUCTION_SHARE)
    general = max(count - key - special - construction, 0)
    plan = (
        [("key", False, False)] * key + [("special", True, False)] * special_key
        + [("special", False, False)] * (special - special_key)
        + [("general", False, True)] * construction + [("general", False, False)] * general
    )[:count]
    rng.shuffle(plan)
    return plan


def _control_level(rng: Random) -> str:
    return rng.choices(tuple(CONTROL_LEVEL_WEIGHTS), tuple(CONTROL_LEVEL_WEIGHTS.values()))[0]


def _unique_name(rng: Random, place: _Place, suffix: str, seen: set[str]) -> str:
    for _ in range(4):
        head = place.name if rng.random() < 0.7 else place.province_short
        brand = rng.choice(_BRANDS) + (rng.choice(_BRANDS) if rng.random() < 0.25 else "")
        name = f"{head}{brand}{suffix}"
        if name not in seen:
            seen.add(name)
            return name
    number = 2
    while f"{name}（{number}号厂区）" in seen:
        number += 1
    name = f"{name}（{number}号厂区）"
    seen.add(name)
    return name


def _registration(rng: Random, suffix: str) -> tuple[str, str]:
    if suffix in _INDIVIDUAL:
        return "9", "2"
    if suffix in _COOPERATIVE:
        return "9", "3"
    if suffix in _HOSPITALS:
        return ("1", "2") if rng.random() < 0.5 else ("5", "2")
    return "9", "1"


def _phone(rng: Random, area_code: str | None) -> str:
    if area_code is not None and rng.random() < 0.6:
        digits = 8 if area_code in _EIGHT_DIGIT_AREAS else 7
        return f"{area_code}-{rng.randint(2, 8)}{rng.randrange(10 ** (digits - 1)):0{digits - 1}d}"
    return f"{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def _address(rng: Random, place: _Place) -> str:
    road, direction = rng.choice(_ROADS), rng.choice(_DIRECTIONS)
    if direction and road.endswith("路"):
        road = f"{road[:-1]}{direction}路"  # 北京路 + 南 → 北京南路
    area = "工业园区" if rng.random() < 0.4 else ""
    return f"{place.address_head}{area}{road}{rng.randint(1, 999)}号"


# -- people -----------------------------------------------------------------------------------------
_SURNAMES = (
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何",
    "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓",
    "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "阎",
)
_GIVEN = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀英", "霞", "平", "刚", "桂英", "建国", "建华", "志强", "海燕", "红梅", "晓东", "文斌", "春生",
    "国庆", "玉兰", "金龙", "子涵", "浩然", "雨萱", "俊杰", "思远", "立新", "卫东",
)
_UYGHUR_KAZAKH = (
    "买买提·艾力", "阿不都热合曼·吐尔逊", "艾尔肯·努尔", "古丽娜尔·阿不都", "阿依古丽·买买提",
    "热依拉·艾山", "努尔兰·哈力木", "叶尔兰·别克", "阿力木江·吾守尔", "迪丽努尔·卡德尔",
    "吐尔洪·沙吾提", "帕提古丽·依明", "别克波拉提·努尔", "再努尔·巴合提",
)
_MONGOLIAN = (
    "巴特尔", "乌云其木格", "斯琴高娃", "额尔敦", "其其格", "那顺巴雅尔", "苏日娜", "宝音", "阿拉坦仓",
    "敖日格乐", "图雅", "满都拉",
)


def _person(rng: Random, province_code: str) -> str:
    if province_code == "650000" and rng.random() < 0.3:
        return rng.choice(_UYGHUR_KAZAKH)
    if province_code == "150000" and rng.random() < 0.15:
        return rng.choice(_MONGOLIAN)
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


# -- inspectors and conflicts -----------------------------------------------------------------------
_EXPERTISE = (
    "大气污染防治", "水污染防治", "固体废物", "危险废物", "土壤污染防治", "噪声", "辐射安全", "自动监控",
    "排污许可", "环境影响评价", "执法稽查",
)
_EXPERT_EXPERTISE = ("化工工艺", "环境监测", "清洁生产", "电力环保", "危险废物鉴别", "环境风险评估")
_CONFLICT_REASONS = (
    "配偶在该单位任职", "近亲属为该单位法定代表人", "曾在该单位任职，离职未满三年",
    "本人或近亲属持有该单位股份", "曾为该单位提供环境影响评价或技术咨询服务", "与该单位负责人有其他利害关系",
)


def _inspectors(rng: Random, place: _Place, count: int) -> list[dict[str, object]]:
    experts = max(1, round(count * 0.1)) if count >= 5 else 0
    rows: list[dict[str, object]] = []
    for n in range(count - experts):
        post = (
            "执法大队大队长" if n == 0 else "执法大队副大队长" if n == 1
            else "执法中队中队长" if n in (2, 3) else "执法队员"
        )
        recruit = post == "执法队员" and rng.random() < 0.15
        rows.append({
            "name": _person(rng, place.province_code),
            "certificate_no": f"{place.code}{n + 1:05d}",
            "post": post,
            "enforcement_category": "生态环境",
            "expertise": rng.sample(_EXPERTISE, rng.randint(1, 3)),
            "may_inspect": ["general"] if recruit else ["key", "general", "special"],
            "outside_expert": False,
        })
    for n in range(experts):
        rows.append({
            "name": _person(rng, place.province_code),
            "certificate_no": f"ZJ{place.code}{n + 1:03d}",
            "post": rng.choice(("外聘专家（高级工程师）", "外聘专家（教授）", "外聘专家（工程师）")),
            "enforcement_category": "技术支持（外聘）",
            "expertise": rng.sample(_EXPERT_EXPERTISE, rng.randint(1, 2)),
            "may_inspect": ["key", "special"],
            "outside_expert": True,
        })
    return rows


def _conflicts(rng: Random, units: list[dict[str, str]], inspectors: list[dict[str, object]]
               ) -> list[tuple[str, str, str]]:
    if not units or not inspectors:
        return []
    wanted = min(max(1, round(len(inspectors) * CONFLICTS_PER_INSPECTOR)), len(units))
    pairs: dict[tuple[str, str], str] = {}
    while len(pairs) < wanted:
        inspector = rng.choice(inspectors)
        unit = rng.choice(units)
        pairs.setdefault((str(inspector["certificate_no"]), unit["credit_code"]),
                         rng.choice(_CONFLICT_REASONS))
    return [(certificate, credit, reason) for (certificate, credit), reason in pairs.items()]


def _collect(seed: int, agencies: list[GeneratedAgency], units_per_county: int,
             inspectors_per_county: int) -> GeneratedProvince:
    units: dict[str, list[dict[str, str]]] = {}
    inspectors: dict[str, list[dict[str, object]]] = {}
    conflicts: list[tuple[str, str, str]] = []
    for county in iter_counties(seed, agencies, units_per_county=units_per_county,
                                inspectors_per_county=inspectors_per_county):
        units[county.division_code] = county.units
        inspectors[county.division_code] = county.inspectors
        conflicts.extend(county.conflicts)
    return GeneratedProvince(agencies=agencies, units=units, inspectors=inspectors, conflicts=conflicts)
