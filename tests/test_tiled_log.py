"""Every agency's log served as a C2SP tiled log (https://c2sp.org/tlog-tiles), its receipts
(https://c2sp.org/tlog-proof) and its event bodies for those entitled to them.

The specification's sentences are quoted beside the tests that hold the code to them; a client
that trusts nothing but the log's verifier key recomputes the served checkpoint's root from the
served tiles alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from commands import ledger_env, run
from http_client import Api

from ledger.adapters.settings import Settings
from verify.checkpoint import open_checkpoint
from verify.cosignature import generate_cosigner, read_cosigner_verifiers
from verify.merkle import leaf_hash, root_from_leaf_hashes
from verify.note import NoteVerifier
from verify.receipt import ReceiptError, check_receipt, parse_receipt
from verify.tiles import (
    TILE_WIDTH,
    Tile,
    TileError,
    check_bundle_against_tile,
    encode_index,
    entry_bundle,
    parse_entry_bundle,
    parse_tile_path,
    root_from_tiles,
    split_hashes,
    tiles_for_size,
)

COUNTY, PREFECTURE = "652301", "652300"


# -- the format, against the specification's text ---------------------------------------------

def test_a_tile_index_is_written_in_x_prefixed_groups_of_three_digits() -> None:
    # "For example, index 1234067 will be encoded as `x001/x234/067`."
    assert encode_index(1234067) == "x001/x234/067"
    assert encode_index(0) == "000"
    assert encode_index(999) == "999"
    assert encode_index(1000) == "x001/000"
    assert Tile(0, 1234067, 5).path() == "tile/0/x001/x234/067.p/5"
    assert Tile("entries", 7).path() == "tile/entries/007"
    for path in ("tile/0/x001/x234/067", "tile/3/000.p/1", "tile/entries/x001/000.p/255",
                 "tile/63/999"):
        assert parse_tile_path(path).path() == path


@pytest.mark.parametrize("path", [
    "tile/00/000",          # "<L> ... with no additional leading zeroes"
    "tile/64/000",          # "between 0 and 63"
    "tile/0/1",             # "zero-padded 3-digit path elements"
    "tile/0/001/234",       # "All but the last path element MUST begin with an `x`"
    "tile/0/x000/001",      # not the canonical encoding of 1
    "tile/0/000.p/0",       # "<W> ... between 1 and 255"
    "tile/0/000.p/256",
    "tile/0/000.p/05",      # "with no additional leading zeroes"
    "tile/0/000.p/",
    "tile/x/000",
    "tiles/0/000",
])
def test_a_malformed_tile_path_is_refused(path: str) -> None:
    with pytest.raises(TileError):
        parse_tile_path(path)


def test_the_tiles_of_a_tree_are_those_the_specification_counts() -> None:
    # "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0
    # tile of width 112, one full level 1 tile, one partial level 1 tile of width 17, and one
    # partial level 2 tile of width 1."
    tiles = [t for t in tiles_for_size(70000) if not t.is_entries]
    level0 = [t for t in tiles if t.level == 0]
    assert sum(not t.partial for t in level0) == 273
    assert [t.width for t in level0 if t.partial] == [112]
    assert [(t.level, t.index, t.width) for t in tiles if t.level != 0] == [
        (1, 0, 256), (1, 1, 17), (2, 0, 1)]
    # "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile
    # of width 1."
    assert [t.path() for t in tiles_for_size(256) if not t.is_entries] == [
        "tile/0/000", "tile/1/000.p/1"]
    # "Empty tiles MUST NOT be served."
    assert list(tiles_for_size(0)) == []


def _reference_tiles(leaves: list[bytes]) -> dict[str, bytes]:
    """Tiles built straight from the definition: "the *n*-th tile at level *l* ... is the
    sequence of the following Merkle Tree Hashes, with *i* from 0 to 255:
    MTH(D[(n * 256 + i) * 256**l : (n * 256 + i + 1) * 256**l])"."""
    size = len(leaves)
    hashes = [leaf_hash(e) for e in leaves]
    built: dict[str, bytes] = {}
    for tile in tiles_for_size(size):
        if tile.is_entries:
            built[tile.path()] = entry_bundle(leaves[tile.first(): tile.first() + tile.width])
            continue
        span = TILE_WIDTH ** int(tile.level)
        built[tile.path()] = b"".join(
            root_from_leaf_hashes(hashes[(tile.first() + i) * span:(tile.first() + i + 1) * span])
            for i in range(tile.width))
    return built


@pytest.mark.parametrize("size", [1, 2, 255, 256, 257, 300, 511, 65536, 65536 + 257])
def test_a_client_recomputes_the_root_from_tiles_alone(size: int) -> None:
    leaves = [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(size)]
    tiles = _reference_tiles(leaves)
    fetched: list[str] = []

    def fetch(tile: Tile) -> bytes:
        fetched.append(tile.path())
        return tiles[tile.path()]

    assert root_from_tiles(size, fetch) == root_from_leaf_hashes([leaf_hash(e) for e in leaves])
    assert len(fetched) == len(set(fetched))  # each tile fetched once


def test_an_entry_bundle_is_uint16_length_prefixed_entries_hashing_to_the_level_0_tile() -> None:
    # "Entry bundles are sequences of big-endian uint16 length-prefixed log entries. Each entry
    # in a bundle hashes to the corresponding entry in the corresponding “level 0” Merkle Tree
    # tile."
    entries = [b"\x01" * 32, b"", b"abc"]
    bundle = entry_bundle(entries)
    assert bundle[:2] == b"\x00\x20" and bundle[34:36] == b"\x00\x00"
    assert parse_entry_bundle(bundle) == entries
    level0 = b"".join(leaf_hash(e) for e in entries)
    assert check_bundle_against_tile(bundle, level0, Tile("entries", 0, 3)) == entries
    with pytest.raises(TileError, match="past the end"):
        parse_entry_bundle(bundle[:-1])
    with pytest.raises(TileError, match="leaf hash"):
        check_bundle_against_tile(entry_bundle([b"x", b"", b"abc"]), level0, Tile("entries", 0, 3))
    with pytest.raises(TileError, match="not 3 hashes"):
        split_hashes(level0[:-1], Tile(0, 0, 3))


# -- the served log ----------------------------------------------------------------------------

@pytest.fixture
def served(settings: Settings, tmp_path: Path) -> Iterator[Api]:
    """The demo county (its quarter done, 284 entries in the county's log) behind the service,
    with an auditor of the prefecture and an operator of the prefecture."""
    done = run(tmp_path, "spotcheck", "demo", "--units", "120",
               env=ledger_env(settings.db, settings.keys_dir))
    assert done.returncode == 0, done.stderr
    api = Api(settings)
    api.add("shenji", "auditor", "--agency", PREFECTURE)
    api.add("zhoucao", "operator", "--agency", PREFECTURE)
    try:
        yield api
    finally:
        api.close()


def _log_key(api: Api, code: str) -> NoteVerifier:
    text = (api.settings.keys_dir / code / "log.vkey").read_text().strip()
    return NoteVerifier.from_verifier_key_text(text)


def test_a_served_checkpoint_root_is_recomputed_from_the_served_tiles_only(served: Api) -> None:
    # "The Signed Tree Head MUST be served as a checkpoint at <prefix>/checkpoint with
    # `Content-Type: text/plain; charset=utf-8`. This endpoint is mutable, so its headers SHOULD
    # prevent caching beyond a few seconds."
    answer = served.call("GET", f"/logs/{COUNTY}/checkpoint")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"
    assert answer.headers["cache-control"] == "public, max-age=5"
    checkpoint = open_checkpoint(answer.text, [_log_key(served, COUNTY)])
    assert checkpoint.size > TILE_WIDTH  # a full tile, a partial one, and a level-1 tile
    paths: list[str] = []

    def fetch(tile: Tile) -> bytes:
        got = served.call("GET", f"/logs/{COUNTY}/{tile.path()}")
        assert got.status_code == 200, got.text
        # "Tiles are served ... with `Content-Type: application/octet-stream`." "This endpoint
        # is immutable, so its caching headers SHOULD be long-lived."
        assert got.headers["content-type"] == "application/octet-stream"
        assert "immutable" in got.headers["cache-control"]
        paths.append(tile.path())
        return bytes(got.content)

    assert root_from_tiles(checkpoint.size, fetch) == checkpoint.root
    # the first 256 entries' root is the level-1 tile's one hash; the rest, the partial level 0
    assert paths == ["tile/1/000.p/1", f"tile/0/001.p/{checkpoint.size - 256}"]

    # The entries of each bundle hash to the level-0 tile, gzip-compressed when asked.
    for tile in [t for t in tiles_for_size(checkpoint.size) if t.is_entries]:
        got = served.call("GET", f"/logs/{COUNTY}/{tile.path()}",
                          headers={"Accept-Encoding": "gzip, identity"})
        assert got.status_code == 200 and got.headers["content-encoding"] == "gzip"
        level0 = served.call("GET", f"/logs/{COUNTY}/{Tile(0, tile.index, tile.width).path()}")
        entries = check_bundle_against_tile(bytes(got.content), bytes(level0.content), tile)
        assert all(len(e) == 32 for e in entries)  # the event hashes, nothing else
    raw = served.call("GET", f"/logs/{COUNTY}/tile/entries/000", headers={"Accept-Encoding": ""})
    assert "content-encoding" not in raw.headers and len(raw.content) == 256 * 34


@pytest.mark.parametrize("path", [
    "tile/0/002",            # beyond the tree
    "tile/0/001.p/29",       # wider than the partial tile of the signed size
    "tile/1/000",            # a full level-1 tile needs 65536 entries
    "tile/entries/001",
    "tile/0/1",              # malformed
    "tile/0/000.p/256",
])
def test_a_tile_beyond_the_signed_tree_or_malformed_is_not_found(served: Api, path: str) -> None:
    got = served.call("GET", f"/logs/{COUNTY}/{path}")
    assert got.status_code == 404, got.text
    assert got.json()["error"]["field"] == "tile"


def test_an_unknown_agency_has_no_log(served: Api) -> None:
    assert served.call("GET", "/logs/659999/checkpoint").status_code == 404


def test_log_tiles_writes_the_same_files_as_the_service_serves(served: Api, tmp_path: Path
                                                               ) -> None:
    out = tmp_path / "mirror"
    done = run(tmp_path, "spotcheck", "log", "tiles", "--log", COUNTY, "--out", str(out),
               env=served.env())
    assert done.returncode == 0, done.stderr
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == ["checkpoint", "tile/0/000", "tile/0/001.p/28", "tile/1/000.p/1",
                     "tile/entries/000", "tile/entries/001.p/28"]
    for name in files:
        got = served.call("GET", f"/logs/{COUNTY}/{name}", headers={"Accept-Encoding": ""})
        assert (out / name).read_bytes() == got.content, name


# -- receipts -----------------------------------------------------------------------------------

def _events(api: Api, who: str, start: int = 0, end: int | None = None) -> list[dict[str, object]]:
    query = f"?start={start}" + ("" if end is None else f"&end={end}")
    got = api.call("GET", f"/logs/{COUNTY}/events{query}", who)
    assert got.status_code == 200, got.text
    return [json.loads(line) for line in got.text.splitlines()]


def test_event_bodies_are_read_by_the_auditor_above_as_json_lines(served: Api) -> None:
    lines = _events(served, "shenji", 3, 7)
    assert [line["index"] for line in lines] == [3, 4, 5, 6]
    tile = served.call("GET", f"/logs/{COUNTY}/tile/entries/000", headers={"Accept-Encoding": ""})
    entries = parse_entry_bundle(bytes(tile.content))
    for line in lines:
        assert line["entry"] == line["event_hash"] == entries[int(str(line["index"]))].hex()
    gz = served.call("GET", f"/logs/{COUNTY}/events?start=0&end=3", "shenji",
                     headers={"Accept-Encoding": "gzip"})
    assert gz.headers["content-encoding"] == "gzip"
    assert served.call("GET", f"/logs/{COUNTY}/events?start=0&end=3").status_code == 401
    other = served.call("GET", f"/logs/{COUNTY}/events?start=0&end=3", "zhoucao")
    assert other.status_code == 403  # an operator of the prefecture reads its own agency only
    beyond = served.call("GET", f"/logs/{COUNTY}/events?start=0&end=100000", "shenji")
    assert beyond.status_code == 422 and beyond.json()["error"]["field"] == "end"
    backwards = served.call("GET", f"/logs/{COUNTY}/events?start=9&end=3", "shenji")
    assert backwards.status_code == 422 and backwards.json()["error"]["field"] == "start"


def _record_filed(api: Api) -> dict[str, object]:
    for line in _events(api, "shenji", 0, 284):
        event = line["event"]
        assert isinstance(event, dict)
        if str(event["type"]).endswith("RecordFiled"):
            return line
    raise AssertionError("the demo quarter filed no record")


def test_a_receipt_carries_the_body_only_for_a_reader_entitled_to_it(served: Api,
                                                                      tmp_path: Path) -> None:
    line = _record_filed(served)
    index = int(str(line["index"]))
    public = served.call("GET", f"/logs/{COUNTY}/receipts/{index}")
    assert public.status_code == 200
    # "The first line MUST be the string `c2sp.org/tlog-proof@v1`."
    assert public.text.startswith("c2sp.org/tlog-proof@v1\nextra ")
    checked = check_receipt(public.text, [_log_key(served, COUNTY)])
    assert (checked.index, checked.event_hash, checked.event) == (index, line["event_hash"], None)
    audited = served.call("GET", f"/logs/{COUNTY}/receipts/{index}", "shenji")
    assert check_receipt(audited.text, [_log_key(served, COUNTY)]).event == line["event"]

    # Offline, with nothing but the receipt and the log's key.
    (tmp_path / "r.tlog-proof").write_text(audited.text, encoding="utf-8")
    (tmp_path / "log.vkey").write_text(_log_key(served, COUNTY).verifier_key_text() + "\n")
    ok = run(tmp_path, "spotcheck-verify", "receipt", "r.tlog-proof", "--key", "log.vkey")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "receipt valid" in ok.stdout and "RecordFiled" in ok.stdout
    # the demo's prefecture witnesses the county: its cosignature is in the receipt
    witness = served.settings.keys_dir / "witness" / "witness.vkey"
    assert check_receipt(audited.text, [_log_key(served, COUNTY)], read_cosigner_verifiers(
        witness.read_text())).cosignatures
    ok = run(tmp_path, "spotcheck-verify", "receipt", "r.tlog-proof", "--key", "log.vkey",
             "--witness-key", str(witness))
    assert ok.returncode == 0 and "cosigned by" in ok.stdout, ok.stdout
    (tmp_path / "other.vkey").write_text(
        generate_cosigner("652399.example/witness").verifier_key_text() + "\n")
    unmet = run(tmp_path, "spotcheck-verify", "receipt", "r.tlog-proof", "--key", "log.vkey",
                "--witness-key", "other.vkey")
    assert unmet.returncode == 1 and "witness policy NOT met" in unmet.stdout, unmet.stdout

    # A changed body, index or proof is caught.
    receipt = parse_receipt(audited.text)
    assert receipt.extra is not None
    forged = receipt.extra.replace(b'"filed_on":"', b'"filed_on":"1')
    for bad in (audited.text.replace(f"index {index}\n", f"index {index + 1}\n"),
                type(receipt)(receipt.index, receipt.proof, receipt.note, forged).text(),
                type(receipt)(receipt.index, receipt.proof[1:], receipt.note,
                              receipt.extra).text()):
        with pytest.raises(ReceiptError):
            check_receipt(bad, [_log_key(served, COUNTY)])
        (tmp_path / "bad.tlog-proof").write_text(bad, encoding="utf-8")
        refused = run(tmp_path, "spotcheck-verify", "receipt", "bad.tlog-proof", "--key",
                      "log.vkey")
        assert refused.returncode == 1 and "receipt NOT valid" in refused.stdout

    beyond = served.call("GET", f"/logs/{COUNTY}/receipts/100000")
    assert beyond.status_code == 404


def test_the_auditor_above_sees_how_far_behind_each_witness_is(served: Api) -> None:
    rows = served.ok("GET", f"/api/agencies/{COUNTY}/witnesses", "shenji")
    assert [(r["witness"], r["url"], r["entries_behind"], r["last_status"]) for r in rows] == [
        ("652300.spotcheck.gov.cn/witness", "local", 0, 200)]
    assert served.call("GET", f"/api/agencies/{COUNTY}/witnesses").status_code == 401
    assert served.call("GET", f"/api/agencies/{COUNTY}/witnesses", "zhoucao").status_code == 403


def test_an_officer_downloads_the_receipts_of_their_own_steps(served: Api, tmp_path: Path
                                                              ) -> None:
    line = _record_filed(served)
    event = line["event"]
    assert isinstance(event, dict)
    filer = str(event["data"]["filed_by"])
    served.add("kuerban", "officer", "--certificate", filer)
    steps = served.ok("GET", f"/api/officers/{filer}/steps", "kuerban")
    kinds = {str(s["type"]).rsplit(".", 1)[-1] for s in steps}
    assert {"RecordFiled", "ListFixed"} <= kinds  # the record they filed, the list assigning them
    for step in steps:
        got = served.call("GET", str(step["receipt"]), "kuerban")
        checked = check_receipt(got.text, [_log_key(served, COUNTY)])
        assert checked.event is not None and checked.index == step["index"]
    # another officer's step: the receipt, but not the body
    others = [i for i in range(284) if i not in {s["index"] for s in steps}]
    got = served.call("GET", f"/logs/{COUNTY}/receipts/{others[-1]}", "kuerban")
    assert check_receipt(got.text, [_log_key(served, COUNTY)]).event is None
    # and not another officer's list of steps
    served.add("wangwu", "auditor", "--agency", COUNTY)
    assert served.call("GET", f"/api/officers/{filer}/steps", "wangwu").status_code == 200
    assert served.call("GET", f"/api/officers/{filer}/steps").status_code == 401


def test_spotcheck_receipt_writes_the_administrators_receipt(served: Api, tmp_path: Path) -> None:
    done = run(tmp_path, "spotcheck", "receipt", "--log", COUNTY, "--index", "7", "--out",
               str(tmp_path / "r.tlog-proof"), env=served.env())
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "r.tlog-proof").read_text()
    served_text = served.call("GET", f"/logs/{COUNTY}/receipts/7", "shenji").text
    assert text == served_text
    assert check_receipt(text, [_log_key(served, COUNTY)]).event is not None
    (tmp_path / "log.vkey").write_text(_log_key(served, COUNTY).verifier_key_text() + "\n")
    checked = run(tmp_path, "spotcheck-verify", "receipt", "r.tlog-proof", "--key", "log.vkey",
                  "--origin", "652301.spotcheck.gov.cn/spotcheck", "--json", "r.json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    proved = json.loads((tmp_path / "r.json").read_text())
    assert (proved["index"], proved["log"], proved["witness_policy_met"]) == (7, COUNTY, True)
    assert proved["event"]["version"] >= 1 and len(proved["event_hash"]) == 64
