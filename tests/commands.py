"""Run ``spotcheck`` and ``spotcheck-verify`` as a user would, but in this process.

``run(cwd, "spotcheck", "demo")`` gives what a terminal would show — exit status, standard output,
standard error — without starting a new interpreter (about a second each). The command runs in
``cwd`` with the ``SPOTCHECK_*`` variables of this process removed and ``env`` set, like the
subprocess it replaces. An unexpected exception is not swallowed: its traceback is put on standard
error, so that ``"Traceback" not in result.stderr`` still means what it says.

A few tests keep real processes (:func:`run_process`): the entry points themselves, signal
handling of ``log follow``, kills mid-write, and the verifier with the project unimportable.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Ran:
    """What a command left: its exit status and its two output streams."""

    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _in(cwd: Path, env: dict[str, str] | None) -> Iterator[None]:
    saved_env = dict(os.environ)
    saved_cwd = Path.cwd()
    for name in [n for n in os.environ if n.startswith("SPOTCHECK_")]:
        del os.environ[name]
    os.environ.update(env or {})
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


#: The language the tests read by default: English, as with ``SPOTCHECK_LANG=en`` (the tests
#: assert the English sentences). ``run(..., lang=None)`` runs as a user who set nothing (Chinese);
#: ``tests/test_language.py`` checks the Chinese.
TEST_LANG = "en"


def run(cwd: Path, program: str, *args: str, env: dict[str, str] | None = None,
        lang: str | None = TEST_LANG) -> Ran:
    """``program`` (``spotcheck`` or ``spotcheck-verify``) with ``args``, in this process."""
    if program == "spotcheck":
        return _spotcheck(cwd, list(args), {**({} if lang is None else {"SPOTCHECK_LANG": lang}),
                                            **(env or {})})
    if program == "spotcheck-verify":
        return _verify(cwd, list(args), {**({} if lang is None else {"SPOTCHECK_LANG": lang}),
                                         **(env or {})})
    raise ValueError(f"program: {program!r} is not spotcheck or spotcheck-verify")


def _spotcheck(cwd: Path, args: list[str], env: dict[str, str] | None) -> Ran:
    from typer.testing import CliRunner

    from api.cli.main import app
    from ledger.adapters.observability import configure_logging

    with _in(cwd, env):
        configure_logging()  # as main() does: structured logs on standard error
        result = CliRunner().invoke(app, args, prog_name="spotcheck")
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return Ran(result.exit_code, result.stdout, stderr)


def _verify(cwd: Path, args: list[str], env: dict[str, str] | None) -> Ran:
    from verify.cli import run as verify_run

    out, err = io.StringIO(), io.StringIO()
    with _in(cwd, env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = verify_run(args)
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        except Exception as exc:
            err.write("".join(traceback.format_exception(exc)))
            code = 1
    return Ran(code, out.getvalue(), err.getvalue())


def run_process(cwd: Path, program: str, *args: str, env: dict[str, str] | None = None,
                timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The installed console script in a new process (for what only a process can show)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SPOTCHECK_")}
    full_env["SPOTCHECK_LANG"] = TEST_LANG
    full_env.update(env or {})
    return subprocess.run([str(BIN / program), *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def ledger_env(db: str, keys_dir: Path) -> dict[str, str]:
    """The environment naming an open ledger's database and key directory."""
    return {"SPOTCHECK_DB": db, "SPOTCHECK_KEYS": str(keys_dir)}
