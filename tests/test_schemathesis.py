"""The API fuzzed from its own OpenAPI schema (/api/schema/) by schemathesis, in-process against
the WSGI application, for every operation and every role (a token per role, and no token).

Each operation gets a bounded number of generated requests per role: schema-valid ones (with
random ids and with the ids of the objects the role-matrix fixture creates) and schema-invalid
ones. Every response must not be a server error (5xx); valid requests that succeed must match
the documented response schema."""

from __future__ import annotations

import os
import time

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts.services import api_token_issue
from tests.test_role_matrix import ROLES, route_objects  # noqa: F401 - fixture

# Bounded so the whole run fits CI; raise with SCHEMATHESIS_EXAMPLES for a deeper local run.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "3"))
TIMINGS: list = []
STATUS_COUNTS: dict[int, int] = {}
KNOWN_IDS = {"pk": 1, "id": 1, "code": "140321", "slug": "jiaotong", "seq": 1}


@pytest.fixture
def wsgi_app():
    """The real WSGI handler, run in the test's transaction: Django's own test client also keeps
    request_started/finished from closing the connection in the middle of a test."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _run(operation, strategy, headers, checks, failures, label):
    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers)
        STATUS_COUNTS[response.status_code // 100] = STATUS_COUNTS.get(response.status_code // 100, 0) + 1
        case.validate_response(response, checks=checks)

    started = time.monotonic()
    try:
        run()
    except (KeyboardInterrupt, SystemExit):
        raise
    except Unsatisfiable:
        return  # nothing in this operation can be made invalid (e.g. a GET without parameters)
    except BaseException as exc:  # one report per operation and role, all of them listed at the end
        failures.append(f"{label} {operation.method.upper()} {operation.path}: {type(exc).__name__}: {str(exc)[:800]}")
    finally:
        TIMINGS.append((time.monotonic() - started, label, operation.method.upper(), operation.path))


def test_api_has_no_server_errors_for_any_role(wsgi_app, make_user, route_objects):  # noqa: F811
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    tokens = {role: api_token_issue(user=make_user(role))[1] for role in ROLES if role}
    # DELETEs last: DELETE /api/v1/auth/tokens/{pk}/ may revoke the role's own token, after which the
    # role's remaining requests would all be 401.
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda operation: operation.method.upper() == "DELETE",
    )
    assert len(operations) >= 30
    failures: list[str] = []
    started = time.monotonic()
    for role in ROLES:
        headers = {"Authorization": f"Token {tokens[role]}"} if role else {}
        label = role or "anonymous"
        for operation in operations:
            positive = [not_a_server_error, response_schema_conformance]
            _run(operation, operation.as_strategy(GenerationMode.POSITIVE), headers, positive, failures, label)
            if operation.path_parameters:
                known = {p.name: KNOWN_IDS[p.name] for p in operation.path_parameters if p.name in KNOWN_IDS}
                _run(
                    operation,
                    operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known),
                    headers,
                    positive,
                    failures,
                    f"{label} (known ids)",
                )
            if operation.method.upper() in (
                "POST",
                "PUT",
                "PATCH",
            ):  # a body to break; paths and queries take any string
                _run(
                    operation,
                    operation.as_strategy(GenerationMode.NEGATIVE),
                    headers,
                    [not_a_server_error],
                    failures,
                    f"{label} (invalid)",
                )
    elapsed = time.monotonic() - started
    print(
        f"schemathesis: {len(operations)} operations × {len(ROLES)} roles, ≤{EXAMPLES} examples each, "
        f"{sum(STATUS_COUNTS.values())} requests (by status class: {dict(sorted(STATUS_COUNTS.items()))}), {elapsed:.0f} s"
    )
    if os.environ.get("SCHEMATHESIS_TIMINGS"):
        for row in sorted(TIMINGS, reverse=True)[:25]:
            print(f"{row[0]:6.2f}s {row[1]} {row[2]} {row[3]}")
    assert failures == [], f"{len(failures)} failures:\n" + "\n\n".join(failures)
