"""verify/ stands alone: an auditor can run it with nothing but cryptography and the stdlib."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import COUNTY

from ledger.services.export import export_bundle
from ledger.services.ledger import Ledger

VERIFY = Path(__file__).resolve().parents[1] / "verify"


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_verify_imports_only_the_standard_library_and_cryptography() -> None:
    # orjson is optional (verify.canonical's fast path, imported under try); the next test runs
    # the verifier without it
    allowed = set(sys.stdlib_module_names) | {"cryptography", "verify", "orjson"}
    for module in sorted(VERIFY.glob("*.py")):
        assert _imported_roots(module) <= allowed, module.name


def test_the_verifier_runs_with_the_rest_of_the_project_unimportable(
    demo_ledger: Ledger, tmp_path: Path
) -> None:
    export_bundle(demo_ledger, tmp_path / "bundle", COUNTY)
    blocked = ["ledger", "projections", "api", "eventsourcing", "psycopg", "structlog", "typer",
               "orjson"]
    script = (
        "import sys\n"
        f"for name in {blocked!r}: sys.modules[name] = None\n"
        "from verify.cli import run\n"
        f"sys.exit(run([{str(tmp_path / 'bundle')!r}, '--quiet']))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "核验通过" in result.stdout  # Chinese by default, from the verifier's own catalog
