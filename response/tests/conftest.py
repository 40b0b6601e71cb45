"""Fixtures for the response tests: people, a frozen clock, and warnings driven through the
alerts services (draft → submit → approve), as the office and the approvers do."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.roles import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "correct horse battery"


def at(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Tests create many users; the production hasher's million rounds are not what is tested here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.MEDIA_ROOT


@pytest.fixture
def people_cast():
    """The signers, the supervision group and users of three member units (the root's ``people``)."""
    return ("office", "vice", "commander", "supervisor", "jiaotong", "shengtai", "jiaoyu")


@pytest.fixture
def decide(people):
    """Approve a decision through the alerts services at a given moment; returns the form."""
    from alerts.services import form_approve, form_draft, form_submit
    from tests.factories import warning_content

    def _decide(action: str, level: str | None, when: dt.datetime):
        with time_machine.travel(when, tick=False):
            form = form_draft(
                actor=people["office"],
                action=action,
                level=level,
                basis="会商认为达到条件",
                content="按预案执行",
                effective_at=when,
                **warning_content(action),
            )
            form_submit(actor=people["office"], form_id=form.pk)
            approver = people["commander"] if form.approver_role == Role.COMMANDER else people["vice"]
            return form_approve(actor=approver, form_id=form.pk, password=PASSWORD)

    return _decide


@pytest.fixture
def started(decide):
    """An orange warning issued 2026-12-01 08:00 and its orders issued (Ⅱ级响应)."""
    from response.handlers import orders_for_form

    form = decide("issue", "orange", at(1, 8))
    with time_machine.travel(at(1, 8, 5), tick=False):
        orders_for_form({"form_id": form.pk})
    from response.models import Response

    return Response.objects.get(warning=form.warning)
