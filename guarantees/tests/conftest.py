"""Fixtures of the guarantees tests: people, a response in force with an order to 交通运输局."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def people_cast():
    return ("office", "vice", "jiaotong", "shengtai", "county", "county2", "supervisor", "forecaster")


@pytest.fixture
def make_response(people):
    from alerts.models import ApprovalForm, Warning
    from command.models import MemberUnit
    from response.models import Order, Response

    def _make(*, started: dt.datetime, units=("jiaotong",), number: int = 1, active: bool = True):
        status = Warning.Status.ACTIVE if active else Warning.Status.LIFTED
        warning = Warning.objects.create(
            number=f"阳泉重污染预警〔测试〕第{number}号",
            status=status,
            level="orange" if active else "none",
            response_level="II",
            published_at=started,
        )
        form = ApprovalForm.objects.create(
            warning=warning,
            action="issue",
            status=ApprovalForm.Status.APPROVED,
            from_level="none",
            level="orange",
            approver_role="vice_commander",
            effective_at=started,
            basis="测试依据",
            content="测试内容",
            drafted_by=people["office"],
            decided_by=people["vice"],
            decided_at=started,
        )
        response = Response.objects.create(
            warning=warning,
            level="II",
            started_at=started,
            status=Response.Status.ACTIVE if active else Response.Status.ENDED,
        )
        for slug in units:
            Order.objects.create(
                response=response,
                form=form,
                unit=MemberUnit.objects.get(slug=slug),
                level="II",
                preamble="测试指令",
                issued_at=started,
            )
        return response

    return _make
