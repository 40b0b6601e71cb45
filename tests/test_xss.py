"""Markup and script typed into any text field come out escaped on every page that shows them.

Every user-editable CharField and TextField of every model of the project's apps is filled with
the payload (on the plan's data, the role-matrix objects and a few more), an audit entry carries
it too, and then every GET page of the URL configuration is rendered for a role that may see it:
the raw payload never appears in an HTML response (escaped forms, and json_script's \\u003C, are fine).
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from accounts.permissions import declared_access
from accounts.roles import PUBLIC, Role
from audit.services import audit_record
from tests.test_role_matrix import EXAMPLES, ROUTES, _view_class, route_objects  # noqa: F401 - fixture

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>"\''
RAW_MARKERS = ('<script>alert("x")', "<img src=x onerror")
PROJECT_APPS = {"core", "accounts", "audit", "command", "forecasts", "alerts", "measures", "notifications",
                "response", "supervision", "reviews"}
# Identifiers the URLs and lookups use (slugs, codes, user names) are not free text.
SKIP_FIELDS = {"username", "password", "slug", "code", "number", "key", "token", "source_file", "file"}


def _text_fields(model):
    for field in model._meta.get_fields():
        if not isinstance(field, (models.CharField, models.TextField)) or isinstance(field, models.SlugField):
            continue
        if not field.editable or field.choices or field.unique or field.primary_key or field.name in SKIP_FIELDS:
            continue
        if field.max_length is not None and field.max_length < len(PAYLOAD):
            continue
        yield field


def _fill_everything():
    filled = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model._meta.label == "audit.AuditEntry":
            continue
        fields = list(_text_fields(model))
        if not fields or not model.objects.exists():
            continue
        model.objects.update(**{f.name: PAYLOAD for f in fields})
        filled.extend(f"{model._meta.label}.{f.name}" for f in fields)
    return filled


def _reader(access):
    if access is PUBLIC:
        return Role.OFFICE
    return Role.OFFICE if Role.OFFICE in access else sorted(access)[0]


@pytest.fixture
def payload_everywhere(make_user, route_objects):  # noqa: F811
    from forecasts.models import Evaluation

    users = {role: make_user(role) for role in Role.values}
    # JSON that pages embed (json_script) carries it too.
    Evaluation.objects.filter(pk=1).update(result={"level": "none", "processes": [], "so2_alerts": [],
                                                   "reasons": [PAYLOAD], "windows": []})
    audit_record(actor=users[Role.OFFICE], action="xss.probe", data={"note": PAYLOAD})
    filled = _fill_everything()
    return users, filled


def test_payload_never_comes_out_raw(client, payload_everywhere):
    users, filled = payload_everywhere
    assert len(filled) >= 20, filled  # the fill reached many fields (users, units, warnings, forms …)
    assert "accounts.User.last_name" in filled and "alerts.ApprovalForm.content" in filled
    raw_pages, seen_escaped = [], 0
    for name, pattern in ROUTES:
        access = declared_access(_view_class(pattern), "GET")
        client.force_login(users[_reader(access)])
        response = client.get(reverse(name, kwargs=EXAMPLES.get(name)))
        if "html" not in response.get("Content-Type", "") or not hasattr(response, "content"):
            continue
        html = response.content.decode("utf-8", "replace")
        if any(marker in html for marker in RAW_MARKERS):
            raw_pages.append(f"{name} ({response.status_code})")
        if "&lt;script&gt;alert(" in html or "\\u003Cscript\\u003E" in html:
            seen_escaped += 1
    print(f"xss: {len(filled)} fields filled, escaped payload seen on {seen_escaped} pages")
    assert raw_pages == [], f"这些页面输出了未转义的脚本：{raw_pages}"
    assert seen_escaped >= 10  # the payload was really shown (escaped) on many pages
