"""The deadlines board (时限, /warnings/deadlines/): what it shows and who may open it; starting
and meeting a clock once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from deadlines import services


@pytest.fixture
def people_cast():
    return (Role.SUPERVISOR, Role.FORECASTER, Role.UNIT)


def test_deadline_start_is_idempotent(db):
    start = timezone.now()
    first = services.deadline_start(kind="form", key="k", start=start)
    again = services.deadline_start(kind="form", key="k", start=start + dt.timedelta(hours=5))
    assert first.pk == again.pk and again.due_at == start + dt.timedelta(hours=1)
    assert services.deadline_meet(key="k") == 1
    assert services.deadline_meet(key="k") == 0


def test_deadlines_page_renders_countdowns_overdue_in_red_and_met_collapsed(client, people):
    now = timezone.now()
    services.deadline_start(kind="form", key="t:overdue", start=now - dt.timedelta(hours=2))
    services.deadline_start(kind="publish", key="t:open", start=now)
    met = services.deadline_start(kind="form", key="t:met", start=now - dt.timedelta(minutes=10))
    services.deadline_meet(key=met.key)
    client.force_login(people[Role.SUPERVISOR])
    page = client.get(reverse("deadlines:list")).content.decode()
    open_part, closed_part = page.split('class="card closed-deadlines"')
    assert '<tr class="overdue">' in open_part and "已超时 1小时" in open_part
    assert "剩余 1小时5" in open_part or "剩余 2小时00分" in open_part or "剩余 1小时" in open_part
    assert "填报预警审批表" in closed_part and "<details" in page
    assert "1 项超时" in page


def test_forecasters_and_units_do_not_see_the_deadlines_board(client, people):
    for who in (Role.FORECASTER, Role.UNIT):
        client.force_login(people[who])
        assert client.get(reverse("deadlines:list")).status_code == 403
