"""Markup and script typed into any text field come out escaped on every page that shows them.

Every user-editable CharField and TextField of every model of the project's apps is filled with
the payload (on the plan's data and the role-matrix objects, tests/factories.py: example_objects,
which hold one row of every model a page shows: a response in force with its order, daily report
and attachment, an inspection with a photo, a tip-off, an enterprise, a provincial notice, a
notification, a failed SMS, the review forms, an import …), an audit entry carries it too, and then every GET page of the URL
configuration is rendered for a role that may see it: the raw payload never appears in an HTML
response (escaped forms, and json_script's \\u003C, are fine).

Each field gets a payload of its own (``alert("x17")``), so the test knows which field a page
showed: the pages named in SHOWN must show those fields, escaped. (Every page shows the user's
own name in its header, so "some escaped payload on the page" alone would prove little.)
A model with text fields but no rows would never be tested: the guard fails on it unless its
fields are in NOT_SHOWN, with the reason no page shows them.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from accounts.permissions import declared_access
from accounts.roles import PUBLIC, Role
from audit.services import audit_record
from tests.test_role_matrix import EXAMPLES, ROUTES, _view_class, route_objects  # noqa: F401 - fixture


def _payload(tag: str) -> str:
    return f'<script>alert("{tag}")</script><img src=x onerror=alert(1)>"\''


PAYLOAD = _payload("x")  # JSON and the audit entry; each filled field gets _payload("x<n>")
LONGEST_PAYLOAD = len(_payload("x999"))
RAW_MARKERS = ('<script>alert("x', "<img src=x onerror")
# The payload as a page may show it: HTML-escaped, or in json_script / escapejs form. Group 1: its tag.
ESCAPED = re.compile(r'(?:&lt;|\\u003[cC])script(?:&gt;|\\u003[eE])alert\((?:&quot;|&#34;|\\"|\\u0022)(x\d*)')
PROJECT_APPS = {
    "core",
    "accounts",
    "audit",
    "command",
    "forecasts",
    "alerts",
    "deadlines",
    "publication",
    "measures",
    "notifications",
    "response",
    "supervision",
    "reviews",
}
# Identifiers the URLs and lookups use (slugs, codes, user names) are not free text.
SKIP_FIELDS = {"username", "password", "slug", "code", "number", "key", "token", "source_file", "file"}
# Text fields no page shows (checked in the templates and views), so their models need no row here.
NOT_SHOWN = {
    "core.Heartbeat.worker",  # /system/ shows the worker's live ping reply, not the stored heartbeat
    "core.OutboxEvent.topic",  # the transactional outbox is internal: no page lists its events
    "core.OutboxEvent.last_error",
    "forecasts.AirQualityRecord.source",  # only the upload preview shows it, from the staged file, never from the DB
    "notifications.UnitContact.position",  # contacts are kept in the admin only (not rendered here)
}
# Pages that must show these fields (escaped): the example rows, on list and detail pages.
SHOWN: dict[str, tuple[str, ...]] = {
    "response:orders": ("response.Response.closing_notice",),
    "response:order": ("response.Order.preamble", "response.Order.in_place_note", "response.Response.closing_notice"),
    "response:compliance": ("response.Response.closing_notice",),
    "response:report": (
        "response.DailyReport.measures_done",
        "response.DailyReport.content",
        "response.ReportAttachment.name",
    ),
    "supervision:inspections": ("supervision.Inspection.place", "supervision.Inspection.enterprise_name"),
    "supervision:inspection": (
        "supervision.Inspection.place",
        "supervision.Inspection.enterprise_name",
        "supervision.Inspection.findings",
        "supervision.Inspection.violation_description",
        "supervision.Inspection.follow_up_notes",
        "supervision.InspectionPhoto.name",
    ),
    "supervision:tipoffs": ("supervision.TipOff.place", "supervision.TipOff.description"),
    "supervision:tipoff-detail": (
        "supervision.TipOff.place",
        "supervision.TipOff.description",
        "supervision.TipOff.verification_note",
        "supervision.TipOff.reward_note",
    ),
    "measures:enterprises": ("measures.Enterprise.name", "measures.Enterprise.subtype"),
    "notifications:list": ("notifications.Notification.title", "notifications.Notification.body"),
    "notifications:deliveries": (
        "notifications.Delivery.name",
        "notifications.Delivery.text",
        "notifications.Delivery.last_error",
    ),
    "alerts:notices": (
        "alerts.ProvincialNotice.document_number",
        "alerts.ProvincialNotice.text",
        "deadlines.Deadline.close_reason",
    ),
    "publication:duty": ("publication.DutyConfirmation.note",),
    "alerts:form": (
        "alerts.ApprovalForm.basis",
        "alerts.ApprovalForm.content",
        "alerts.ApprovalForm.weather_trend",
        "forecasts.Consultation.conclusion",
        "forecasts.Consultation.expert_opinion",
    ),
    "reviews:summary": (
        "reviews.ResponseSummary.measures_summary",
        "reviews.ResponseSummary.achievements",
        "reviews.ResponseSummary.problems",
        "reviews.ResponseSummary.suggestions",
    ),
    "reviews:evaluation": (
        "reviews.EffectEvaluation.organiser",
        "reviews.EffectEvaluation.other_members",
        "reviews.EffectEvaluation.content",
    ),
    "forecasts:imports": ("forecasts.ForecastImport.file_name",),
    "forecasts:import-detail": ("forecasts.ForecastImport.file_name", "forecasts.ForecastImport.file_sha256"),
}
# List pages whose rows show no free text of their own (dates, units, counts): they must link the row.
LISTED = {
    "response:reports": ("response:report", {"pk": 1}),
    "response:orders": ("response:order", {"pk": 1}),
    "supervision:inspections": ("supervision:inspection", {"pk": 1}),
    "supervision:tipoffs": ("supervision:tipoff-detail", {"pk": 1}),
}
# The files behind the detail pages' links are served (not HTML: checked for their status only).
FILES = ("response:report-attachment", "supervision:inspection-photo")


def _text_fields(model):
    for field in model._meta.get_fields():
        if not isinstance(field, (models.CharField, models.TextField)) or isinstance(field, models.SlugField):
            continue
        if not field.editable or field.choices or field.unique or field.primary_key or field.name in SKIP_FIELDS:
            continue
        if field.max_length is not None and field.max_length < LONGEST_PAYLOAD:
            continue
        yield field


def _project_models():
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS and model._meta.label != "audit.AuditEntry":
            yield model


def _fill_everything() -> dict[str, str]:
    """Each text field of each model with rows gets its own payload; returns {tag: "app.Model.field"}."""
    filled = {}
    for model in _project_models():
        fields = list(_text_fields(model))
        if not fields or not model.objects.exists():
            continue
        values = {}
        for field in fields:
            tag = f"x{len(filled) + 1}"
            filled[tag] = f"{model._meta.label}.{field.name}"
            values[field.name] = _payload(tag)
        model.objects.update(**values)
    return filled


def _models_without_rows() -> list[str]:
    """Models with text fields (other than those no page shows) that have no row to fill."""
    missing = []
    for model in _project_models():
        fields = [f.name for f in _text_fields(model) if f"{model._meta.label}.{f.name}" not in NOT_SHOWN]
        if fields and not model.objects.exists():
            missing.append(f"{model._meta.label}[{','.join(fields)}]")
    return missing


def _reader(access):
    if access is PUBLIC:
        return Role.OFFICE
    return Role.OFFICE if Role.OFFICE in access else sorted(access)[0]


@pytest.fixture
def payload_everywhere(route_objects):  # noqa: F811
    """The role matrix's example objects (tests/factories.py: example_objects, one row of each model a
    page shows, files under a temporary MEDIA_ROOT) and its users, one per role, every text field filled."""
    from forecasts.models import Evaluation

    users = route_objects
    # JSON that pages embed (json_script) carries it too.
    Evaluation.objects.filter(pk=1).update(
        result={"level": "none", "processes": [], "so2_alerts": [], "reasons": [PAYLOAD], "windows": []}
    )
    audit_record(actor=users[Role.OFFICE], action="xss.probe", data={"note": PAYLOAD})
    filled = _fill_everything()
    return users, filled


def test_every_model_with_text_has_a_row(payload_everywhere):
    missing = _models_without_rows()
    assert missing == [], (
        f"这些模型有文本字段却没有数据，XSS 测试测不到它们：{missing}。请在 tests/factories.py 的 example_objects 中各建一行"
        f"（或在 NOT_SHOWN 中说明没有页面显示该字段）。 / These models have text fields but no rows, so the XSS "
        f"test never renders their text: add a row in tests/factories.py (example_objects), or list the fields in "
        f"NOT_SHOWN with the reason no page shows them."
    )


def test_payload_never_comes_out_raw(client, payload_everywhere):
    users, filled = payload_everywhere
    labels = set(filled.values())
    assert len(filled) >= 60, filled  # the fill reached many fields (users, units, warnings, orders, reports …)
    assert {"accounts.User.last_name", "alerts.ApprovalForm.content", "response.Order.preamble"} <= labels
    tag_of = {label: tag for tag, label in filled.items()}
    raw_pages, seen_escaped, shown_on, statuses = [], 0, {}, {}
    for name, pattern in ROUTES:
        access = declared_access(_view_class(pattern), "GET")
        client.force_login(users[_reader(access)])
        response = client.get(reverse(name, kwargs=EXAMPLES.get(name)))
        statuses[name] = response.status_code
        if name in FILES and response.status_code == 200:
            b"".join(response.streaming_content)  # read it through, closing the file
        if "html" not in response.get("Content-Type", "") or not hasattr(response, "content"):
            continue
        html = response.content.decode("utf-8", "replace")
        if any(marker in html for marker in RAW_MARKERS):
            raw_pages.append(f"{name} ({response.status_code})")
        tags = set(ESCAPED.findall(html))
        shown_on[name] = tags, html
        if tags:
            seen_escaped += 1
    ever_shown = {filled[t] for tags, _html in shown_on.values() for t in tags if t in filled}
    header = {tag_of["accounts.User.first_name"], tag_of["accounts.User.last_name"]}  # the user's name in base.html
    beyond_header = sum(1 for tags, _html in shown_on.values() if tags - header)
    print(
        f"xss: {len(filled)} fields filled, {len(ever_shown)} of them shown escaped on some page; "
        f"escaped payload seen on {seen_escaped} pages, {beyond_header} of them beyond the header's user name; "
        f"never shown: {sorted(labels - ever_shown)}"
    )
    assert raw_pages == [], f"这些页面输出了未转义的脚本：{raw_pages}"
    assert seen_escaped >= 10  # the payload was really shown (escaped) on many pages

    not_ok = {name: statuses[name] for name in (*SHOWN, *LISTED, *FILES) if statuses[name] != 200}
    assert not_ok == {}, f"这些页面应能打开（200）：{not_ok}"
    missing = {
        page: [label for label in expected if tag_of[label] not in shown_on[page][0]]
        for page, expected in SHOWN.items()
    }
    missing = {page: fields for page, fields in missing.items() if fields}
    assert missing == {}, f"这些页面没有显示（转义后的）这些字段：{missing}"
    unlinked = [
        page
        for page, (detail, kwargs) in LISTED.items()
        if f'href="{reverse(detail, kwargs=kwargs)}"' not in shown_on[page][1]
    ]
    assert unlinked == [], f"这些列表页没有列出示例数据：{unlinked}"
