"""JSON files an operator gives a command (a record, a rulebook, a holiday schedule), read the one
careful way: a regular file of at most :data:`MAX_BYTES`, UTF-8, JSON in the ledger's profile
(:func:`verify.canonical.loads_strict`: no floats, no duplicate keys, nested at most
:data:`verify.canonical.MAX_DEPTH` levels). Anything else is one line naming the option and the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ledger.errors import InvalidInput
from verify.canonical import CanonicalError, loads_strict

MAX_BYTES = 1024 * 1024


class JsonFileError(InvalidInput):
    """A JSON input file that cannot be read; the message names the option and the file."""


def read_json_file(path: Path, option: str = "--file") -> object:
    """The JSON value in ``path``, or :class:`JsonFileError` ``"<option>: <path>: <why>"``."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise JsonFileError(f"{option}: {path}: not a regular file")
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise JsonFileError(f"{option}: {path}: no such file") from None
    except OSError as exc:
        raise JsonFileError(f"{option}: {path}: cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise JsonFileError(f"{option}: {path}: larger than {MAX_BYTES} bytes")
    try:
        return loads_strict(data)
    except CanonicalError as exc:
        raise JsonFileError(f"{option}: {path}: {exc}") from None
    except UnicodeDecodeError:
        raise JsonFileError(f"{option}: {path}: not UTF-8 text") from None
