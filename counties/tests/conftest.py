"""Fixtures of the counties tests: people (the office, county users of 平定县 and 盂县, a unit, a
leader) and a response in force."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture
def people_cast():
    return ("office", "vice", "supervisor", "forecaster", "jiaotong", "county", "county2")


def make_response(number: str = "阳泉重污染预警〔2026〕第1号", *, ended: bool = False):
    from alerts.models import Warning
    from response.models import Response

    now = timezone.now()
    warning = Warning.objects.create(
        number=number,
        status=Warning.Status.LIFTED if ended else Warning.Status.ACTIVE,
        level="none" if ended else "orange",
        response_level="" if ended else "II",
        published_at=now - dt.timedelta(days=1),
        lifted_at=now if ended else None,
    )
    return Response.objects.create(
        warning=warning,
        level="II",
        started_at=now - dt.timedelta(days=1),
        status=Response.Status.ENDED if ended else Response.Status.ACTIVE,
        ended_at=now if ended else None,
    )


@pytest.fixture
def response_in_force(people):
    return make_response()


@pytest.fixture
def ended_response(people):
    return make_response("阳泉重污染预警〔2026〕第0号", ended=True)


def local_input(at: dt.datetime) -> str:
    """A time as the page's datetime-local field sends it."""
    return timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")
