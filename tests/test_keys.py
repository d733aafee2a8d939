"""The log key lives in a private file outside the database, in the signed-note formats."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from ledger.adapters.settings import Settings, SettingsError
from ledger.log.keys import KeyFileError, KeyFiles
from verify.note import NoteVerifier, open_note, sign_note


def test_keys_init_writes_a_private_key_only_its_owner_can_read(tmp_path: Path) -> None:
    keys = KeyFiles(tmp_path / "keys")
    signer = keys.init("652301.spotcheck.example/log")
    assert stat.S_IMODE(keys.private.stat().st_mode) == 0o600
    assert keys.private.read_text().startswith("PRIVATE+KEY+652301.spotcheck.example/log+")
    vkey = keys.public.read_text().strip()
    assert vkey == signer.verifier_key_text()
    note = sign_note("hello\n", [keys.load_signer()])
    assert open_note(note, [NoteVerifier.from_verifier_key_text(vkey)])[0] == "hello\n"


def test_an_existing_key_is_never_silently_replaced(tmp_path: Path) -> None:
    keys = KeyFiles(tmp_path)
    first = keys.init("a.example/log").verifier_key_text()
    with pytest.raises(KeyFileError, match="already exists"):
        keys.init("a.example/log")
    assert keys.verifier_key_text() == first


def test_a_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    keys = KeyFiles(tmp_path)
    keys.init("a.example/log")
    keys.private.chmod(0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        keys.load_signer()


def test_a_missing_key_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="spotcheck keys init"):
        KeyFiles(tmp_path).load_signer()


def test_an_origin_that_cannot_name_a_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="origin"):
        KeyFiles(tmp_path).init("bad origin+name")


def test_settings_default_to_the_embedded_file_and_parse_postgres_urls() -> None:
    assert Settings.from_environ({}).db == "spotcheck.db"
    pg = Settings.from_environ({"SPOTCHECK_DB": "postgresql://u:p%40ss@db.local:6543/spot"}).postgres
    assert pg is not None
    assert (pg.user, pg.password, pg.host, pg.port, pg.dbname) == (
        "u", "p@ss", "db.local", 6543, "spot")
    with pytest.raises(SettingsError, match="SPOTCHECK_DB"):
        Settings.from_environ({"SPOTCHECK_DB": "postgresql://u@host:5432/"})


def test_replacing_a_key_keeps_the_old_identity_files_aside(tmp_path: Path) -> None:
    keys = KeyFiles(tmp_path)
    old = keys.init("a.example/log").verifier_key_text()
    keys.last_signed.write_text("a checkpoint the old key signed\n")
    new = keys.init("a.example/log", overwrite=True).verifier_key_text()
    assert new != old
    assert not keys.last_signed.exists()  # the new key starts its own record
    retired = sorted(p.name.split(".retired-")[0] for p in tmp_path.glob("*.retired-*"))
    assert retired == ["log.checkpoint", "log.key", "log.vkey"]
