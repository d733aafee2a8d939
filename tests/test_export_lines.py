"""The export writes the same bytes whichever JSON encoder it uses (issue 17's fast path).

Rows read straight from their JSON are written through orjson where it is installed; the standard
library's compact encoder stays the reference. The two bundles of one ledger must be equal byte
for byte, including a row edited behind the ledger's back (written as found) and a deleted one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import COUNTY

import ledger.services.export as export
from ledger.services.export import export_bundle
from ledger.services.ledger import Ledger
from tampering import Insider
from verify.canonical import FAST_JSON


@pytest.mark.skipif(not FAST_JSON, reason="orjson is not installed")
def test_the_fast_encoder_writes_the_reference_bytes(
    demo_ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tamper = Insider(demo_ledger)
    edited = tamper.leaf(5)
    state = json.loads(tamper.stored_state(*edited))
    state["name"] = "改过的名字 \U00020bb7 \x7f\u2028 \"引号\" \\ /"  # edited: its hash no longer holds
    tamper.set_state(*edited, json.dumps(state, ensure_ascii=False,
                                         separators=(",", ":")).encode("utf-8"))
    tamper.delete_event(*tamper.leaf(7))
    export_bundle(demo_ledger, tmp_path / "fast", COUNTY)
    monkeypatch.setattr(export, "_orjson", None)
    export_bundle(demo_ledger, tmp_path / "reference", COUNTY)
    fast = (tmp_path / "fast" / "events.jsonl").read_bytes()
    reference = (tmp_path / "reference" / "events.jsonl").read_bytes()
    assert fast == reference
    lines = fast.splitlines()
    assert len(lines) == demo_ledger.log(COUNTY).state().size
    assert "改过的名字".encode() in lines[5] and b'"event":null' in lines[7]
