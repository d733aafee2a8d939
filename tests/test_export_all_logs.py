"""Every log's bundle at once (``spotcheck export --all-logs``, ``export_bundles``): each bundle is
the one its own log's export writes, all of one moment, whether one process writes them or two."""

from __future__ import annotations

import json
import multiprocessing.process
from functools import partial
from pathlib import Path

import pytest
from conftest import COUNTY, PREFECTURE

import ledger.services.export as export_module
from api.bootstrap import open_ledger
from ledger.demo.county import unit_rows
from ledger.domain.agency import agency_id
from ledger.services.export import ExportResult, export_bundle, export_bundles
from ledger.services.ledger import Ledger


def _files(bundle: Path) -> dict[str, bytes]:
    """A bundle's files, its manifest without the time of the export."""
    files = {path.relative_to(bundle).as_posix(): path.read_bytes()
             for path in sorted(bundle.rglob("*")) if path.is_file()}
    manifest = json.loads(files.pop("manifest.json"))
    del manifest["exported_at"]
    files["manifest.json"] = json.dumps(manifest, sort_keys=True).encode()
    return files


def _assert_each_is_its_own_export(ledger: Ledger, every: Path, tmp_path: Path) -> None:
    for name in (PREFECTURE, COUNTY):
        export_bundle(ledger, tmp_path / "own" / name, name)
        assert _files(every / name) == _files(tmp_path / "own" / name)


def test_each_logs_bundle_is_the_one_its_own_export_writes(demo_ledger: Ledger, tmp_path: Path) -> None:
    results = export_bundles(demo_ledger, tmp_path / "every")
    assert [(r.log, r.events) for r in results] == [(PREFECTURE, 1), (COUNTY, 35)]
    _assert_each_is_its_own_export(demo_ledger, tmp_path / "every", tmp_path)


def test_two_processes_write_the_same_bundles(
    demo_ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(export_module, "PARALLEL_EVENTS", 0)  # a second process even for this
    told: list[str] = []
    results = export_bundles(demo_ledger, tmp_path / "every", jobs=2,
                             reopen=partial(open_ledger, demo_ledger.settings),
                             written=lambda result: told.append(result.log))
    assert [(r.log, r.events) for r in results] == [(PREFECTURE, 1), (COUNTY, 35)]
    assert sorted(told) == [PREFECTURE, COUNTY]  # each bundle told once, whoever wrote it
    _assert_each_is_its_own_export(demo_ledger, tmp_path / "every", tmp_path)


def _cannot_open() -> Ledger:
    raise RuntimeError("no database here")


def test_the_logs_of_a_second_process_that_fails_are_exported_by_the_first(
    demo_ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(export_module, "PARALLEL_EVENTS", 0)
    told: list[str] = []
    results = export_bundles(demo_ledger, tmp_path / "every", jobs=2, reopen=_cannot_open,
                             written=lambda result: told.append(result.log))
    assert [(r.log, r.events) for r in results] == [(PREFECTURE, 1), (COUNTY, 35)]
    assert sorted(told) == [PREFECTURE, COUNTY]
    _assert_each_is_its_own_export(demo_ledger, tmp_path / "every", tmp_path)


def test_the_logs_of_a_second_process_that_cannot_start_are_exported_by_the_first(
    demo_ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_process(self: object) -> None:
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(export_module, "PARALLEL_EVENTS", 0)
    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", no_process)
    results = export_bundles(demo_ledger, tmp_path / "every", jobs=2,
                             reopen=partial(open_ledger, demo_ledger.settings))
    assert [(r.log, r.events) for r in results] == [(PREFECTURE, 1), (COUNTY, 35)]
    _assert_each_is_its_own_export(demo_ledger, tmp_path / "every", tmp_path)


def test_every_bundle_holds_its_log_as_it_stood_when_the_export_began(
    demo_ledger: Ledger, tmp_path: Path,
) -> None:
    """Events integrated while the export runs (here: after the first bundle is written) are in
    none of its bundles."""
    def meanwhile(result: ExportResult) -> None:
        if result.log == PREFECTURE:
            demo_ledger.app.register_objects(agency_id(COUNTY), unit_rows(3, first=1000))
            assert demo_ledger.sync().sizes[COUNTY] == 38

    results = export_bundles(demo_ledger, tmp_path / "every", written=meanwhile)
    county = results[1]
    assert (county.log, county.events, county.tree_size) == (COUNTY, 35, 35)
    lines = (tmp_path / "every" / COUNTY / "events.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["index"] for line in lines] == list(range(35))
    manifest = json.loads((tmp_path / "every" / COUNTY / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tree_size"] == 35 and all(size <= 35 for size in manifest["checkpoints"])
