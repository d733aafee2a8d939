"""The layers you can see in the folders: dependencies run one way,
``verify`` ← ``ledger`` ← ``projections`` ← ``api`` (entry points and the composition root).

Every ``import`` and ``from … import`` of every module is read with :mod:`ast` — including those
inside functions and under ``TYPE_CHECKING`` — so a lazy import cannot hide a dependency upward.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("verify", "ledger", "projections", "api")
#: What each package may import of ours (itself included).
ALLOWED = {
    "verify": {"verify"},
    "ledger": {"verify", "ledger"},
    "projections": {"verify", "ledger", "projections"},
    "api": {"verify", "ledger", "projections", "api"},
}
#: Inside ledger/: the domain and the codes do no I/O and know nothing of the services above them.
INNER = {
    "ledger.codes": {"ledger.codes", "ledger.errors"},
    "ledger.domain": {"ledger.domain", "ledger.codes", "ledger.errors"},
    "ledger.log": {"ledger.log", "ledger.domain", "ledger.adapters", "ledger.errors"},
}


def imported_modules(path: Path) -> set[str]:
    """Every absolute module name ``path`` imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
        elif isinstance(node, ast.ImportFrom):
            raise AssertionError(f"{path}: relative import; write the absolute module name")
    return found


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package.replace(".", "/")).rglob("*.py"))


@pytest.mark.parametrize("package", OURS)
def test_dependencies_run_one_way(package: str) -> None:
    for module in _modules(package):
        ours = {name.split(".")[0] for name in imported_modules(module)} & set(OURS)
        assert ours <= ALLOWED[package], (
            f"{module.relative_to(ROOT)} imports {sorted(ours - ALLOWED[package])}: "
            f"{package}/ may import only {sorted(ALLOWED[package])}")


@pytest.mark.parametrize("package", sorted(INNER))
def test_the_domain_and_the_codes_do_not_reach_up_into_services(package: str) -> None:
    for module in _modules(package):
        for name in imported_modules(module):
            if not name.startswith("ledger."):
                continue
            assert any(name == allowed or name.startswith(allowed + ".") for allowed in INNER[package]), (
                f"{module.relative_to(ROOT)} imports {name}")


def test_the_domain_does_no_io() -> None:
    """Aggregates and rules are plain Python: no database, file, network or clock module."""
    forbidden = {"sqlite3", "psycopg", "eventsourcing.persistence", "eventsourcing.application",
                 "socket", "subprocess", "urllib", "http", "shutil", "typer", "fastapi"}
    for package in ("ledger.domain", "ledger.codes"):
        for module in _modules(package):
            bad = {n for n in imported_modules(module) if n.split(".")[0] in forbidden or n in forbidden}
            assert not bad, f"{module.relative_to(ROOT)} imports {sorted(bad)}"


def test_the_check_itself_catches_an_upward_import(tmp_path: Path) -> None:
    """The test is not vacuous: a ledger module importing projections is seen."""
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("def f():\n    from projections.public import PublicProjection\n", encoding="utf-8")
    assert "projections.public" in imported_modules(sneaky)
