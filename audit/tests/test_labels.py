"""Every action the code records has words (audit/labels.py), in Chinese and in English, and the
audit page and the dashboard show them beside the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.utils import translation

from accounts.roles import Role
from alerts.models import ApprovalForm
from audit.labels import ACTION_LABELS, action_label
from audit.services import audit_record
from deadlines.services import STEP_AUDIT

ROOT = Path(settings.BASE_DIR)
# Every app of the project (not the libraries): a new app's actions are scanned without editing this list.
APPS = tuple(
    sorted(
        config.label
        for config in django_apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(ROOT.resolve())
        and ".venv" not in Path(config.path).resolve().relative_to(ROOT.resolve()).parts
    )
)
# f-string actions and the values their placeholder takes.
FAMILIES = {
    "alerts.warning.{form.action}": ApprovalForm.Action.values,
    "response.orders.{form.action}": ApprovalForm.Action.values,
    "alerts.deadline.{STEP_AUDIT[step]}": list(STEP_AUDIT.values()),
    "notifications.subscriber.{outcome}": ["subscribed", "unsubscribed"],
    "guarantees.duty.{step}": ["added", "changed", "removed"],
    "guarantees.contact.{step}": ["confirmed", "added", "changed", "removed"],
    "guarantees.supply.{step}": ["added", "changed", "checked", "retired"],
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def recorded_actions() -> tuple[set[str], set[str]]:
    literal, templated = set(), set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for f, code in re.findall(r'action=(f?)"([a-z_]+\.[^"]+)"', text):
                (templated if f else literal).add(code)
    return literal, templated


def test_the_scan_finds_the_actions():
    assert {"alerts", "advisories", "counties", "guarantees", "supervision", "upkeep"} <= set(APPS)
    literal, templated = recorded_actions()
    assert {"auth.login", "alerts.form.approved", "response.report.submitted"} <= literal
    assert templated == set(FAMILIES), f"新的动态动作需登记取值 / a new templated action needs its values: {templated}"


def test_every_recorded_action_has_words():
    literal, templated = recorded_actions()
    codes = set(literal)
    for family in templated:
        head = family.split("{", 1)[0]
        codes |= {head + value for value in FAMILIES[family]}
    missing = sorted(codes - set(ACTION_LABELS))
    assert not missing, f"这些审计动作没有中文说明 / audit actions without words: {missing}"


@pytest.mark.parametrize("code", sorted(ACTION_LABELS))
def test_every_label_is_chinese_and_translated(code):
    assert CJK.search(action_label(code))
    with translation.override("en"):
        english = action_label(code)
    assert english and not CJK.search(english), f"{code}: {english}"


def test_an_unknown_code_shows_as_itself():
    assert action_label("legacy.thing.done") == "legacy.thing.done"


def test_audit_page_and_dashboard_show_the_words(client, make_user):
    office = make_user(Role.OFFICE)
    audit_record(actor=office, action="alerts.form.approved", data={})
    client.force_login(office)
    page = client.get("/audit/").content.decode()
    assert "签发审批表" in page and "<code>alerts.form.approved</code>" in page
    panel = client.get("/?panel=audit").content.decode()
    assert "签发审批表" in panel
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Approval form signed" in client.get("/audit/").content.decode()
