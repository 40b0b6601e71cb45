"""No state change on GET: every route of the URL configuration, read by every role and by an
anonymous visitor, writes nothing but what a read legitimately writes (the session, django-axes'
access records, the audit entry of a refused access, the last-login time).

Every INSERT, UPDATE and DELETE the request sends to the database is captured and its table
checked; the audit entries a read may add are checked by action too."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEntry
from tests.test_role_matrix import EXAMPLES, ROLES, ROUTES, route_objects  # noqa: F401 - fixture

ALLOWED_TABLES = {
    "django_session",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "audit_auditentry",
    "accounts_user",
}
# What a read may leave in the audit log: a refused access, a timed-out session.
ALLOWED_AUDIT_ACTIONS = {"auth.access.denied", "auth.session.timeout", "auth.logout"}
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def written_tables(queries) -> list[str]:
    tables = []
    for query in queries:
        match = WRITE.match(query["sql"])
        if match:
            tables.append(match.group(1))
    return tables


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_get_changes_nothing(role, client, make_user, route_objects):  # noqa: F811
    if role is not None:
        user = make_user(role)
        client.force_login(user)
    offenders = []
    for name, _pattern in ROUTES:
        url = reverse(name, kwargs=EXAMPLES.get(name))
        last_audit = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        bad = sorted({t for t in written_tables(ctx.captured_queries) if t not in ALLOWED_TABLES})
        if bad:
            offenders.append(f"{url} ({response.status_code}): {bad}")
        audit = set(AuditEntry.objects.filter(id__gt=last_audit).values_list("action", flat=True))
        if audit - ALLOWED_AUDIT_ACTIONS:
            offenders.append(f"{url}: audit {sorted(audit - ALLOWED_AUDIT_ACTIONS)}")
        user_writes = [
            q["sql"]
            for q in ctx.captured_queries
            if WRITE.match(q["sql"]) and WRITE.match(q["sql"]).group(1) == "accounts_user"
        ]
        if any("last_login" not in sql for sql in user_writes):
            offenders.append(f"{url}: accounts_user changed beyond last_login")
    assert offenders == [], "GET 请求改变了数据：\n" + "\n".join(offenders)


def test_the_capture_sees_writes(make_user):
    """The control: a write inside the captured block is seen."""
    with CaptureQueriesContext(connection) as ctx:
        make_user(Role.OFFICE)
    assert "accounts_user" in written_tables(ctx.captured_queries)
