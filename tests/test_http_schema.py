"""schemathesis against the service's own OpenAPI schema: whatever it sends, the service never
answers 5xx (bounded: a few examples per operation, as the county's operator, on the demo county).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from conftest import private_copy
from http_client import Api
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from ledger.adapters.settings import Settings

pytestmark = pytest.mark.sqlite_only

#: Examples per operation: enough to reach every route's validation and its rules, bounded in time.
EXAMPLES = 4


@pytest.fixture(scope="module")
def schema_api(small_demo_original: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    directory = private_copy(small_demo_original, tmp_path_factory.mktemp("schema"))
    api = Api(Settings(str(directory / "spotcheck.db"), directory / "spotcheck-keys"), inline=False)
    api.add("operator", "operator", "--agency", "652301")
    try:
        yield api
    finally:
        api.close()


def test_no_request_makes_the_service_fail(schema_api: Api) -> None:
    """Each operation of the schema in turn (schemathesis's pytest plugin does not run under this
    pytest, so the operations are walked here, each a bounded hypothesis run)."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", schema_api.client.app)
    headers = schema_api.headers("operator")
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) > 40
    calls: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def no_server_error(case: Any) -> None:
            response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
            calls.append(response.status_code)

        no_server_error()
    assert len(calls) >= 2 * len(operations)
    assert {200, 422} <= set(calls)  # valid requests went through, invalid ones were refused
