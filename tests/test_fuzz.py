"""Fuzzing the three readers of outside input (hypothesis, a bounded and repeatable number of
examples; ``SPOTCHECK_FUZZ_EXAMPLES=5000`` for a longer run): the verifier's bundle reader, the
directory-file reader and the signed-note parser. Whatever the bytes, each answers with a finding or
one line naming what is wrong — never a traceback, never a hang."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import COUNTY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.adapters.directory_file import (
    INSPECTOR_COLUMNS,
    INSPECTOR_REQUIRED,
    OBJECT_COLUMNS,
    OBJECT_REQUIRED,
    DirectoryFileError,
    read_table,
)
from ledger.domain.directory import InspectionObject
from ledger.errors import InvalidInput
from ledger.services.export import export_bundle
from ledger.services.ledger import Ledger
from verify.checkpoint import CheckpointError, open_checkpoint
from verify.cli import run as verify_run
from verify.note import NoteError, NoteVerifier, generate_signer, open_note, sign_note

pytestmark = pytest.mark.sqlite_only

EXAMPLES = int(os.environ.get("SPOTCHECK_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=30,
)
DEEP = st.integers(min_value=60, max_value=5000).map(lambda n: "[" * n + "]" * n)


# -- the bundle reader -----------------------------------------------------------------------------
@pytest.fixture
def bundle(demo_ledger: Ledger, tmp_path: Path) -> Path:
    out = tmp_path / "bundle"
    export_bundle(demo_ledger, out, COUNTY)
    return out


@contextlib.contextmanager
def _copy(bundle: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "bundle"
        shutil.copytree(bundle, copy, symlinks=True)
        yield copy


def _verified(path: Path, *args: str) -> tuple[int, str]:
    """spotcheck-verify on ``path``: its exit status and standard error (any exception fails)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = verify_run([str(path), "--quiet", *args])
    return code, err.getvalue()


def _judged(code: int, stderr: str) -> None:
    assert code in (0, 1, 2)
    if code == 2:
        assert len(stderr.strip().splitlines()) == 1, stderr


LINE = st.one_of(
    st.binary(max_size=200),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    DEEP.map(str.encode),
    st.dictionaries(st.sampled_from(["index", "entry", "event", "event_hash", "error"]),
                    JSON_VALUES, max_size=5).map(lambda v: json.dumps(v).encode()),
)


@FUZZ
@given(data=st.data())
def test_any_events_file_gives_findings_or_one_line(bundle: Path, data: st.DataObject) -> None:
    with _copy(bundle) as copy:
        events = copy / "events.jsonl"
        lines = events.read_bytes().splitlines()
        for _ in range(data.draw(st.integers(1, 3))):
            at = data.draw(st.integers(0, len(lines) - 1))
            how = data.draw(st.sampled_from(["replace", "flip", "cut", "insert"]))
            if how == "replace":
                lines[at] = data.draw(LINE).replace(b"\n", b" ")
            elif how == "flip" and lines[at]:
                k = data.draw(st.integers(0, len(lines[at]) - 1))
                lines[at] = lines[at][:k] + bytes([lines[at][k] ^ data.draw(
                    st.integers(1, 255))]) + lines[at][k + 1:]
            elif how == "cut":
                lines[at] = lines[at][:data.draw(st.integers(0, len(lines[at])))]
            else:
                lines.insert(at, data.draw(LINE).replace(b"\n", b" "))
        events.write_bytes(b"\n".join(lines).replace(b"\r", b" ") + b"\n")
        code, stderr = _verified(copy)
        _judged(code, stderr)
        kept = [line for line in events.read_bytes().splitlines() if line.strip()]
        assert code != 0 or kept == (bundle / "events.jsonl").read_bytes().splitlines()


@FUZZ
@given(manifest=st.one_of(st.binary(max_size=300), JSON_VALUES.map(json.dumps).map(str.encode),
                          DEEP.map(str.encode)),
       note=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
       unlogged=LINE)
def test_any_manifest_note_or_unlogged_file_gives_findings_or_one_line(
    bundle: Path, manifest: bytes, note: bytes, unlogged: bytes
) -> None:
    with _copy(bundle) as copy:
        (copy / "manifest.json").write_bytes(manifest)
        (copy / "checkpoints" / "7.note").write_bytes(note)
        (copy / "unlogged.jsonl").write_bytes(unlogged.replace(b"\n", b" ") + b"\n")
        code, stderr = _verified(copy)
        _judged(code, stderr)
        code, stderr = _verified(copy, "--key", str(copy / "checkpoints" / "7.note"))
        _judged(code, stderr)


# -- the directory-file reader ---------------------------------------------------------------------
CELL = st.text(max_size=30) | st.sampled_from(["=1+1", "@SUM(A1)", "-", "\x00", "'=x", "重点"])
HEADERS = st.lists(st.sampled_from([*[a for v in OBJECT_COLUMNS.values() for a in v],
                                    *OBJECT_COLUMNS, "备注", ""]), min_size=0, max_size=8)


@FUZZ
@given(header=HEADERS, rows=st.lists(st.lists(CELL, max_size=10), max_size=6),
       raw=st.one_of(st.none(), st.binary(max_size=400)), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_any_directory_file_gives_rows_or_one_line(
    tmp_path: Path, header: list[str], rows: list[list[str]], raw: bytes | None, suffix: str
) -> None:
    import csv

    with tempfile.TemporaryDirectory(dir=tmp_path) as scratch:
        path = Path(scratch) / f"units{suffix}"
        if raw is not None:
            path.write_bytes(raw)
        elif suffix == ".csv":
            with path.open("w", encoding="utf-8", newline="", errors="surrogatepass") as handle:
                csv.writer(handle).writerows([header, *rows])
        else:
            import openpyxl
            from openpyxl.utils.exceptions import IllegalCharacterError

            book = openpyxl.Workbook()
            sheet = book.active
            assert sheet is not None
            try:
                for line in [header, *rows]:
                    sheet.append(line)
            except IllegalCharacterError:
                return  # (openpyxl cannot write such a cell; nothing to read)
            book.save(path)
        for columns, required in ((OBJECT_COLUMNS, OBJECT_REQUIRED),
                                  (INSPECTOR_COLUMNS, INSPECTOR_REQUIRED)):
            try:
                table = read_table(path, columns, required)
            except DirectoryFileError as exc:
                assert "\n" not in str(exc) and str(exc).startswith(str(path))
                continue
            for problem in table.problems:
                assert "\n" not in str(problem)
            if columns is OBJECT_COLUMNS:
                for _, row in table.rows:
                    _registered_or_refused(row)


def _registered_or_refused(row: dict[str, str]) -> None:
    fields = {k: row.get(k, "") for k in ("name", "credit_code", "category", "county")}
    try:
        InspectionObject.register("agency", **fields,
                                  **{k: v for k, v in row.items() if k not in fields})
    except InvalidInput as exc:
        assert "\n" not in str(exc) and ": " in str(exc)


# -- the signed-note parser ------------------------------------------------------------------------
SIGNER = generate_signer("652301.spotcheck.test/log")
NOTE = sign_note("652301.spotcheck.test/log\n35\n" + "A" * 43 + "=\n", [SIGNER])


@FUZZ
@given(text=st.one_of(st.text(max_size=400), st.binary(max_size=400).map(
    lambda b: b.decode("utf-8", "replace"))), data=st.data())
def test_any_note_or_key_text_verifies_or_says_why(text: str, data: st.DataObject) -> None:
    mutated = NOTE
    if data.draw(st.booleans()):
        k = data.draw(st.integers(0, len(NOTE) - 1))
        mutated = NOTE[:k] + data.draw(st.text(max_size=3)) + NOTE[k + 1:]
    for note in (text, mutated):
        try:
            open_note(note, [SIGNER.verifier()])
        except NoteError as exc:
            assert "\n" not in str(exc)
        try:
            open_checkpoint(note, [SIGNER.verifier()])
        except (CheckpointError, NoteError) as exc:
            assert "\n" not in str(exc)
    for key in (text, text.strip(), SIGNER.verifier_key_text()[:data.draw(st.integers(0, 80))]):
        try:
            NoteVerifier.from_verifier_key_text(key)
        except NoteError as exc:
            assert "\n" not in str(exc)
