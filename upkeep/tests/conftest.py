"""Fixtures of the upkeep tests: people, a lifted warning with its response summary (附件6)."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def people_cast():
    return ("office", "vice", "supervisor", "forecaster", "jiaotong", "shengtai", "county")


@pytest.fixture
def lifted(people):
    """A lifted warning with its summary (附件6), whose 改进建议 the office tracks."""
    from django.utils import timezone

    from alerts.models import Warning
    from reviews.models import ResponseSummary

    now = timezone.now()
    warning = Warning.objects.create(
        number="阳泉重污染预警〔测试〕第9号",
        status=Warning.Status.LIFTED,
        level="none",
        published_at=now - dt.timedelta(days=3),
        lifted_at=now - dt.timedelta(days=1),
    )
    summary = ResponseSummary.objects.create(
        warning=warning,
        measures_summary="已落实",
        problems="部分单位报送迟缓",
        suggestions="1. 加强成员单位值守\n2. 修订应急减排清单",
        created_by=people["office"],
    )
    return summary
