"""Hostile input, refused at the door: control characters in any input (one rule, applied to every
event as it is created), values out of range, cells beyond the header. One line naming the field and
the rule, nothing stored."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

import openpyxl
import pytest
from commands import Ran, run
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.adapters.directory_file import OBJECT_COLUMNS, OBJECT_REQUIRED, read_table
from ledger.demo.county import credit_code
from ledger.domain.agency import Agency
from ledger.domain.directory import DirectoryRuleError, InspectionObject
from ledger.domain.inspector import Inspector
from ledger.domain.text import TextRuleError, check_text, text_problem
from ledger.errors import InvalidInput
from ledger.services.imports import ImportRejected
from ledger.services.ledger import Ledger

pytestmark = pytest.mark.sqlite_only

HEADER = ["名称", "统一社会信用代码", "所属区县", "类别", "联系电话", "风险等级"]


def _row(n: int, name: str = "", phone: str = "0994-2345678", grade: str = "B") -> list[str]:
    return [name or f"昌吉市第{n}热电有限公司", credit_code(n), "昌吉市", "一般", phone, grade]


def _csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def county(ledger: Ledger) -> UUID:
    return ledger.app.establish_agency("昌吉州生态环境局昌吉市分局", "652301", "county")


def _rejected(ledger: Ledger, county: UUID, path: Path) -> list[tuple[int, str, str]]:
    before = ledger.app.recorder.max_notification_id()
    with pytest.raises(ImportRejected) as rejected:
        ledger.app.import_objects(county, read_table(path, OBJECT_COLUMNS, OBJECT_REQUIRED))
    assert ledger.app.recorder.max_notification_id() == before, "nothing stored"
    return [(p.row, p.column, p.reason) for p in rejected.value.problems]


# -- control characters --------------------------------------------------------------------------
@pytest.mark.parametrize("char", ["\x00", "\x1b", "\r", "\n", "\t", "\x7f", "\x85", "\u202e",
                                  "\u2028", "\ud800"])
def test_no_control_character_is_accepted_in_a_one_line_field(char: str) -> None:
    assert text_problem(f"某{char}公司") is not None
    with pytest.raises(TextRuleError, match=r"^name: contains .* \(U\+"):
        check_text(f"某{char}公司", "name")


def test_a_line_feed_and_a_tab_are_text_in_a_multi_line_field_but_a_nul_is_not() -> None:
    assert check_text("第一行\n\t第二行", "remarks") == "第一行\n\t第二行"
    with pytest.raises(TextRuleError, match="remarks: contains a NUL byte"):
        check_text("第一行\x00", "remarks")
    with pytest.raises(TextRuleError, match="remarks: contains a carriage return"):
        check_text("第一行\r\n第二行", "remarks")


def test_a_nul_in_an_imported_name_is_reported_by_row_and_column(
    ledger: Ledger, county: UUID, tmp_path: Path
) -> None:
    path = _csv(tmp_path / "units.csv", [_row(1), _row(2, name="昌吉市\x00热电有限公司"), _row(3)])
    assert _rejected(ledger, county, path) == [
        (3, "名称", "contains a NUL byte (U+0000) at character 4; control characters are not "
                    "accepted in any input")]


def test_a_control_character_in_an_xlsx_cell_is_reported(
    ledger: Ledger, county: UUID, tmp_path: Path
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(_row(1, phone="0994\u202e2345678"))
    book.save(tmp_path / "units.xlsx")
    assert [(r, c) for r, c, _ in _rejected(ledger, county, tmp_path / "units.xlsx")] == [
        (2, "联系电话")]


CHANGES: dict[str, Callable[[Ledger, UUID], object]] = {
    "agency name": lambda ledger, county: ledger.app.establish_agency(
        "昌吉州\x00分局", "652302", "county"),
    "unit name": lambda ledger, county: ledger.app.register_objects(
        county, [{"name": "某\x07公司", "credit_code": credit_code(9), "category": "general",
                  "county": "昌吉市"}]),
    "unit detail": lambda ledger, county: ledger.app.register_objects(
        county, [{"name": "某公司", "credit_code": credit_code(9), "category": "general",
                  "county": "昌吉市", "address": "世纪大道\x00"}]),
    "inspector": lambda ledger, county: ledger.app.register_inspectors(
        county, [{"name": "李娜", "certificate_no": "65230100012", "post": "执法\x1b[31m队员"}]),
    "a reason": lambda ledger, county: ledger.app.close_object(
        ledger.app.register_objects(county, [{"name": "某公司", "credit_code": credit_code(9),
                                              "category": "general", "county": "昌吉市"}])[0],
        "关停\n"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_event_refuses_a_control_character_whatever_path_it_came_by(
    ledger: Ledger, county: UUID, change: str
) -> None:
    before = ledger.app.recorder.max_notification_id() or 0
    with pytest.raises(TextRuleError, match="contains"):
        CHANGES[change](ledger, county)
    # (the "a reason" case stores its unit first, then refuses the closing)
    assert (ledger.app.recorder.max_notification_id() or 0) - before <= (change == "a reason")


def test_a_key_of_an_event_is_text_too() -> None:
    unit = InspectionObject.register("652301", "某公司", credit_code(1), "general", "昌吉市")
    with pytest.raises(TextRuleError, match=r"^changes: a key contains a NUL"):
        unit._updated(changes={"name\x00": "x"}, reason="更名")


# -- values in range -----------------------------------------------------------------------------
@pytest.mark.parametrize(("row", "column", "rule"), [
    (_row(1, grade="-5"), "风险等级", "is not a risk grade"),
    (_row(1, phone="-1"), "联系电话", "is not a phone number"),
    (_row(1, phone="12"), "联系电话", "is not a phone number"),
    (_row(1, name="厂" * 10_000), "名称", "longer than any field may be (1000)"),
    (_row(1, name="厂" * 300), "名称", "300 characters, longer than the 200 a name may have"),
])
def test_values_out_of_range_are_refused_by_row_and_column(
    ledger: Ledger, county: UUID, tmp_path: Path, row: list[str], column: str, rule: str
) -> None:
    problems = _rejected(ledger, county, _csv(tmp_path / "units.csv", [row]))
    assert [(r, c) for r, c, _ in problems] == [(2, column)] and rule in problems[0][2]


def test_usual_phone_numbers_and_grades_are_accepted() -> None:
    for phone in ("0994-2345678", "13800138000", "+86 994 2345678", "(0994)2345678"):
        for grade in ("A", "D", "1", "一级"):
            InspectionObject.register("652301", "某公司", credit_code(1), "general", "昌吉市",
                                      phone=phone, risk_grade=grade)


def test_names_beyond_their_length_are_refused_for_inspectors_and_agencies() -> None:
    with pytest.raises(InvalidInput, match="name: 51 characters, longer than the 50"):
        Inspector.register("652301", "李" * 51, "65230100012", "执法队员")
    with pytest.raises(InvalidInput, match="name: 101 characters, longer than the 100"):
        Agency.establish("局" * 101, "652301", "county")
    with pytest.raises(DirectoryRuleError, match="name: 201 characters"):
        InspectionObject.register("652301", "某公司", credit_code(1), "general", "昌吉市").update(
            {"name": "厂" * 201}, "更名")


def test_a_value_beyond_the_headers_last_column_is_reported_not_dropped(
    ledger: Ledger, county: UUID, tmp_path: Path
) -> None:
    path = _csv(tmp_path / "units.csv", [_row(1), [*_row(2), "", "多出来的值"], [*_row(3), ""]])
    assert _rejected(ledger, county, path) == [
        (3, "H (no header)", "a value in a column the header does not name; remove it or give "
                             "the column a known header")]


# -- on the command line -------------------------------------------------------------------------
def _spotcheck(cwd: Path, *args: str) -> Ran:
    return run(cwd, "spotcheck", *args)


def _one_line(result: Ran) -> str:
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    return result.stderr


def test_a_plan_for_year_99999_is_refused_in_one_line(tmp_path: Path) -> None:
    _spotcheck(tmp_path, "agency", "add", "--name", "昌吉州生态环境局昌吉市分局", "--code", "652301",
               "--kind", "county")
    result = _spotcheck(tmp_path, "plan", "--year", "99999", "--agency", "652301",
                        "--approved-by", "局务会")
    assert _one_line(result) == ("spotcheck: year: 99999 is not a year a plan can be for "
                                 "(2000-2099)\n")


def test_a_nul_import_on_the_command_line_is_one_line_and_stores_nothing(tmp_path: Path) -> None:
    _spotcheck(tmp_path, "agency", "add", "--name", "昌吉州生态环境局昌吉市分局", "--code", "652301",
               "--kind", "county")
    path = _csv(tmp_path / "units.csv", [_row(1, name="昌吉市\x00热电有限公司")])
    result = _spotcheck(tmp_path, "entities", "import", str(path), "--agency", "652301")
    assert "row 2, column 名称: contains a NUL byte (U+0000)" in _one_line(result)
    listed = _spotcheck(tmp_path, "entities", "list", "--agency", "652301")
    assert listed.stdout.strip() == ""



def test_the_missing_calendar_and_plan_hints_are_commands_that_work(tmp_path: Path) -> None:
    _spotcheck(tmp_path, "agency", "add", "--name", "昌吉州生态环境局昌吉市分局", "--code", "652301",
               "--kind", "county")
    _spotcheck(tmp_path, "rulebook", "adopt", "changji-county-2015", "--agency", "652301",
               "--from", "2025-12-01", "--approved-by", "局务会", "--reason", "执行州局实施方案")
    freeze = ("draw", "freeze", "--agency", "652301", "--period", "2026Q1", "--on", "2025-12-29",
              "--witness", "王芳", "--dice", "现场掷骰")
    message = _one_line(_spotcheck(tmp_path, *freeze))
    hint = message.split("record it: ", 1)[1].split(" (or --file", 1)[0]
    assert hint == ("spotcheck calendar record --agency 652301 --year 2025 --from-package "
                    "--by <who records it>")
    recorded = _spotcheck(tmp_path, *hint.replace("<who records it>", "办公室").split()[1:])
    assert recorded.returncode == 0, recorded.stderr
    _spotcheck(tmp_path, "calendar", "record", "--agency", "652301", "--year", "2026",
               "--from-package", "--by", "办公室")
    message = _one_line(_spotcheck(tmp_path, *freeze))  # the next thing missing: the plan
    hint = message.split("(`", 1)[1].split("`)", 1)[0]
    assert hint == "spotcheck plan --year 2026 --agency 652301 --approved-by <who approved it>"
    filed = _spotcheck(tmp_path, *hint.replace("<who approved it>", "局务会").split()[1:])
    assert filed.returncode == 0, filed.stderr


# -- division codes ------------------------------------------------------------------------------
def test_an_unknown_division_is_refused_and_a_retired_one_printed_by_the_import(
    tmp_path: Path,
) -> None:
    from ledger.codes.credit_code import make_credit_code

    _spotcheck(tmp_path, "agency", "add", "--name", "济南市生态环境局章丘分局", "--code", "370114",
               "--kind", "district")
    unknown = make_credit_code("9", "1", "999999", "MA000001")
    retired = make_credit_code("9", "1", "370181", "MA000002")  # 章丘市, 章丘区 since 2016
    path = _csv(tmp_path / "bad.csv", [["某公司", unknown, "章丘区", "一般"]], HEADER[:4])
    refused = _spotcheck(tmp_path, "entities", "import", str(path), "--agency", "370114")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert ("row 2, column 统一社会信用代码: division (登记管理机关行政区划码, positions 3-8) 999999 "
            "is not in GB/T 2260") in refused.stderr
    path = _csv(tmp_path / "good.csv", [["某公司", retired, "章丘区", "一般"]], HEADER[:4])
    imported = _spotcheck(tmp_path, "entities", "import", str(path), "--agency", "370114")
    assert imported.returncode == 0, imported.stderr
    assert ("note: row 2, column 统一社会信用代码: division 370181 章丘市 was retired in 2016; "
            "accepted, since a code keeps the division it was registered in") in imported.stdout


@pytest.mark.parametrize(("code", "kind", "rule"), [
    ("999999", "county", "999999 is not in GB/T 2260"),
    ("370181", "county_city", "370181 章丘市 was retired in 2016"),
])
def test_an_agency_needs_a_division_in_use(tmp_path: Path, code: str, kind: str, rule: str) -> None:
    result = _spotcheck(tmp_path, "agency", "add", "--name", "某局", "--code", code, "--kind", kind)
    assert f"--code: {rule}" in _one_line(result)  # the option the user typed, not division_code


def test_a_development_zone_may_carry_a_code_of_its_own(tmp_path: Path) -> None:
    _spotcheck(tmp_path, "agency", "add", "--name", "昌吉州生态环境局", "--code", "652300",
               "--kind", "prefecture")
    zone = _spotcheck(tmp_path, "agency", "add", "--name", "昌吉州生态环境局高新区分局", "--code",
                      "652371", "--kind", "park", "--parent", "652300")
    assert zone.returncode == 0, zone.stderr


# -- JSON input files ----------------------------------------------------------------------------
DEEP_JSON = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("command", [
    ("record", "file", "652301-2026Q1-units", "--unit", "91652301310000001X", "--file", "in.json",
     "--by", "65230100012", "--on", "2026-01-09"),
    ("calendar", "record", "--agency", "652301", "--year", "2027", "--file", "in.json", "--by", "x"),
    ("rulebook", "adopt", "in.json", "--agency", "652301", "--from", "2027-01-01", "--approved-by",
     "局务会", "--reason", "x"),
])
@pytest.mark.parametrize("content", [DEEP_JSON.encode(), b'{"a": 1.5}', b"[1, 2", b"\xff\xfe{}"],
                         ids=["deep", "float", "cut", "not-utf8"])
def test_a_json_input_file_that_cannot_be_read_is_one_line(
    tmp_path: Path, command: tuple[str, ...], content: bytes
) -> None:
    _spotcheck(tmp_path, "agency", "add", "--name", "昌吉州生态环境局昌吉市分局", "--code", "652301",
               "--kind", "county")
    (tmp_path / "in.json").write_bytes(content)
    line = _one_line(_spotcheck(tmp_path, *command))
    assert "in.json: " in line


def test_a_record_with_a_field_of_the_wrong_type_is_a_rule_error() -> None:
    from datetime import date

    from test_inspections import ITEMS, _record

    from ledger.domain.inspection_record import RecordContext, RecordError, check_record

    context = RecordContext(("A1", "A2"), 2, ITEMS, date(2026, 1, 1), date(2026, 3, 31))
    with pytest.raises(RecordError, match=r"^status: \{'x': 1\} is not one of"):
        check_record({**_record(("A1", "A2")), "status": {"x": 1}}, context)


# -- the event check's quick path ----------------------------------------------------------------
_TEXT = st.text(alphabet=st.characters(codec=None, categories=None), max_size=6)
_DATA = st.recursive(
    st.none() | st.booleans() | st.integers() | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["name", "remarks", "a", "details", "x\x00"]) | _TEXT, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["name", "remarks", "description", "details", "items"]),
                       _DATA, max_size=4))
def test_the_event_check_refuses_exactly_what_checking_each_string_refuses(
        data: dict[str, object]) -> None:
    from ledger.domain.text import _check_value, check_event_text

    def each() -> str | None:
        try:
            for key, value in data.items():
                _check_value(value, key, key)
        except TextRuleError as exc:
            return str(exc)
        return None

    expected = each()
    try:
        check_event_text(data)
    except TextRuleError as exc:
        assert str(exc) == expected
    else:
        assert expected is None


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["name", "remarks", "description", "details", "items"]),
                       _DATA, max_size=4))
def test_the_check_on_an_events_json_refuses_exactly_what_the_event_check_refuses(
        data: dict[str, object]) -> None:
    """ChainedAggregate reads the text rule off the content's canonical JSON where that clears
    the strings (ledger.domain.text.check_event_text_encoded): the same verdict, the same words."""
    from ledger.domain.text import check_event_text, check_event_text_encoded
    from verify.canonical import CanonicalError, canonical_json

    try:
        encoded = canonical_json({"data": data, "type": "x"})
    except CanonicalError:  # (an unsafe integer, a lone surrogate): ChainedAggregate runs the
        return  # event check on its own then, and raises its error first
    try:
        check_event_text(data)
    except TextRuleError as exc:
        with pytest.raises(TextRuleError) as caught:
            check_event_text_encoded(data, encoded)
        assert str(caught.value) == str(exc)
    else:
        check_event_text_encoded(data, encoded)


@pytest.mark.parametrize("char", ["\x00", "\n", "\x1f", "\x7f", "\x85", "\x9f", "\u2028", "\u202e",
                                  "\u2066", "\u2069"])
def test_every_refused_character_stops_the_check_on_an_events_json(char: str) -> None:
    from ledger.domain.text import check_event_text_encoded
    from verify.canonical import canonical_json

    data = {"name": f"昌吉{char}热电"}
    with pytest.raises(TextRuleError, match=r"^name: contains"):
        check_event_text_encoded(data, canonical_json({"data": data}))


def test_an_event_with_a_refused_character_is_never_created() -> None:
    from ledger.domain.directory import InspectionObject

    with pytest.raises(TextRuleError, match=r"^name: contains a control character \(U\+0085\)"):
        InspectionObject.register(agency_id="a", name="昌吉\x85热电", credit_code="91652301310000014Q",
                                  category="key", county="昌吉市")


def test_a_lone_surrogate_is_refused_by_the_text_rule_not_by_the_encoder() -> None:
    from ledger.domain.directory import InspectionObject

    with pytest.raises(TextRuleError, match=r"^name: contains a surrogate \(U\+D800\)"):
        InspectionObject.register(agency_id="a", name="昌吉\ud800热电", credit_code="91652301310000014Q",
                                  category="key", county="昌吉市")


def test_the_characters_json_writes_as_themselves_are_every_refused_one_from_u007f() -> None:
    """check_event_text_encoded looks for these in an event's JSON: every code point the one-line
    rule refuses, at or above U+0020 (JSON escapes those below), UTF-8 encodable."""
    from ledger.domain.text import _ONE_LINE, _RAW

    refused = [chr(code).encode("utf-8") for code in range(0x20, 0x110000)
               if not 0xD800 <= code <= 0xDFFF and _ONE_LINE.match(chr(code))]
    assert sorted(_RAW) == sorted(refused)
