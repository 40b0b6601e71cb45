"""The dashboard (首页): what each role sees first, each panel's content and access, and query
counts that stay the same whatever the number of rows (two data sizes)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from dashboard import panels

from .dashboard_data import populate

#: The most queries a role's whole dashboard may take (session, user, menu badge, notices,
#: and each panel's fixed reads); measured figures are in the report of this change.
MAX_PAGE_QUERIES = 18
MAX_PANEL_QUERIES = 8


def panel_ids(html: str) -> list[str]:
    return re.findall(r'id="panel-([a-z]+)"', html)


def count_queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:500]
    return len(captured), response


# --------------------------------------------------------------------------- layout per role


def test_office_sees_the_city_dashboard(client, people):
    populate(1, **people)
    client.force_login(people["office"])
    html = client.get("/").content.decode()
    assert panel_ids(html) == [
        "status",
        "pending",
        "deadlines",
        "compliance",
        "deliveries",
        "forecast",
        "audit",
        "revision",
    ]
    assert 'hx-get="/?panel=deadlines"' in html and 'hx-trigger="every 15s"' in html


@pytest.mark.parametrize("role", [Role.VICE_COMMANDER, Role.COMMANDER])
def test_leaders_start_from_their_inbox_then_status_and_deadlines(role, client, people, make_user):
    populate(1, **people)
    user = people["vice"] if role == Role.VICE_COMMANDER else people["commander"]
    client.force_login(user)
    html = client.get("/").content.decode()
    assert panel_ids(html)[:3] == ["inbox", "status", "deadlines"]
    inbox = html.split('id="panel-inbox"')[1].split("</section>")[0]
    # only the forms routed to this leader, with the level written out
    wanted = "橙色预警" if role == Role.VICE_COMMANDER else "红色预警"
    other = "红色预警" if role == Role.VICE_COMMANDER else "橙色预警"
    assert wanted in inbox and other not in inbox


def test_unit_starts_from_its_orders_and_reports(client, people, make_user):
    populate(1, **people)
    unit_user = make_user(Role.UNIT)
    client.force_login(unit_user)
    html = client.get("/").content.decode()
    assert panel_ids(html) == ["orders", "reports", "status", "forecast"]
    orders = html.split('id="panel-orders"')[1].split("</section>")[0]
    assert unit_user.unit.short_name in orders
    assert "已超时" in orders  # the one-hour order clock has passed: red countdown
    assert 'class="overdue"' in orders


def test_unit_without_todays_report_gets_the_link_to_file_it(client, people, make_user):
    from command.models import MemberUnit

    populate(1, **people)
    # a unit that filed nothing
    unit = MemberUnit.objects.filter(active=True, area__isnull=True).exclude(daily_reports__isnull=False).first()
    client.force_login(make_user(Role.UNIT, unit=unit))
    html = client.get("/?panel=reports").content.decode()
    day = timezone.localdate() - dt.timedelta(days=1)
    assert "尚未报送" in html
    assert f"/response/reports/new/?date={day:%Y-%m-%d}" in html


def test_unit_that_filed_sees_it_filed(client, people, make_user):
    populate(1, **people)
    client.force_login(make_user(Role.UNIT))
    html = client.get("/?panel=reports").content.decode()
    assert "已于" in html and "尚未报送" not in html


def test_county_starts_from_its_duty_confirmations(client, people, make_user):
    populate(1, **people)
    client.force_login(make_user(Role.COUNTY))
    html = client.get("/").content.decode()
    assert panel_ids(html)[:2] == ["duty", "orders"]
    duty = html.split('id="panel-duty"')[1].split("</section>")[0]
    assert duty.count("未确认") == 2


def test_forecaster_sees_no_panel_its_role_cannot_open(client, make_user):
    client.force_login(make_user(Role.FORECASTER))
    html = client.get("/").content.decode()
    assert "deadlines" not in panel_ids(html) and "audit" not in panel_ids(html)
    assert client.get("/?panel=deadlines").status_code == 403
    assert client.get("/?panel=audit").status_code == 403


def test_panel_access_follows_the_pages_it_summarises(client, make_user):
    for role in Role.values:
        client.force_login(make_user(role))
        for name, panel in panels.PANELS.items():
            status = client.get(f"/?panel={name}").status_code
            assert status == (200 if role in panel.roles else 403), (role, name, status)
    assert client.get("/?panel=nothing").status_code == 404


# --------------------------------------------------------------------------- panel content


def test_pending_forms_say_where_each_one_sits(client, people):
    data = populate(1, **people)
    client.force_login(people["office"])
    html = client.get("/?panel=pending").content.decode()
    assert "<section" in html and "<html" not in html  # the partial alone
    rows = re.findall(r"<tr><td>.*?</tr>", html, re.S)
    assert len(rows) == len(data["pending"]) == 3
    assert "应急指挥部办公室" in rows[0] and "草稿" in rows[0]
    assert "副总指挥" in rows[1] and "待审批" in rows[1]
    assert "总指挥" in rows[2]


def test_deadlines_count_down_and_turn_red_when_late(client, people):
    from deadlines.models import Deadline

    populate(1, **people)
    client.force_login(people["office"])
    html = client.get("/?panel=deadlines").content.decode()
    running = Deadline.objects.filter(met_at__isnull=True, cancelled_at__isnull=True)
    # One row per clock of its own, one per (kind, due time) for the units' clocks that fall due together.
    own = running.filter(unit__isnull=True)
    shared = running.filter(unit__isnull=False).values("kind", "due_at").distinct()
    late = timezone.now()
    rows = own.count() + shared.count()
    overdue_rows = own.filter(due_at__lt=late).count() + shared.filter(due_at__lt=late).count()
    assert shared.count() < running.filter(unit__isnull=False).count()  # the data has clocks to group
    assert html.count('class="countdown') == rows
    assert html.count('class="countdown overdue"') == overdue_rows > 0
    assert html.count('<tr class="overdue">') == overdue_rows
    assert "剩余" in html
    assert re.search(r"<h2>进行中的时限 <span class=\"badge\">(\d+)</span>", html).group(1) == str(running.count())
    # Each grouped row names its units.
    for group in shared:
        units = running.filter(unit__isnull=False, **group).select_related("unit")
        if units.count() > 1:
            assert f"{units.count()} 个单位" in html
            for d in units:
                assert (d.unit.short_name or d.unit.name) in html


def test_deliveries_per_channel_match_the_rows(client, people):
    from notifications.models import Delivery, Notification

    populate(2, **people)
    # Yesterday's publication is out of the day's view: its rows must not count.
    old = Delivery.objects.create(
        key="warning:old", recipient_key="old", phone="13900000000", text="旧", status="failed"
    )
    Delivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    for n, read in enumerate((True, False, False)):
        Notification.objects.create(
            recipient=people["office"], kind="test", title=f"通知{n}", read_at=timezone.now() if read else None
        )
    stale = Notification.objects.create(recipient=people["office"], kind="test", title="旧通知")
    Notification.objects.filter(pk=stale.pk).update(created_at=timezone.now() - dt.timedelta(days=2))

    client.force_login(people["office"])
    html = client.get("/?panel=deliveries").content.decode()
    day = Delivery.objects.filter(created_at__gte=timezone.now() - dt.timedelta(hours=24))
    sent = day.filter(status__in=["sent", "delivered"]).count()
    delivered = day.filter(status="delivered").count()
    failed = day.filter(status="failed").count()
    queued = day.filter(status="queued").count()
    assert failed < Delivery.objects.filter(status="failed").count()  # the old row exists and is left out
    rows = re.findall(r"<tr(?: class=\"delivery-failed\")?><td>(.*?)</td>(.*?)</tr>", html, re.S)
    cells = {
        label: [int(c) for c in re.findall(r'<td class="num">(?:<strong class="error">)?(\d+)', rest)]
        for label, rest in rows
    }
    assert cells == {"短信": [sent, delivered, failed, queued], "站内通知": [3, 1, 0, 0]}, cells
    assert "近 24 小时" in html


def test_compliance_counts_todays_reports(client, people):
    from command.models import MemberUnit

    populate(1, **people)
    client.force_login(people["office"])
    html = client.get("/?panel=compliance").content.decode()
    units = MemberUnit.objects.filter(active=True).count()
    numbers = [int(n) for n in re.findall(r"</span> (\d+)</li>", html)]
    on_time, late, pending, missing = numbers
    assert on_time == 2 and late == 0
    assert on_time + late + pending + missing == units


def test_audit_panel_shows_the_latest_ten(client, people):
    from audit.models import AuditEntry

    populate(1, **people)
    client.force_login(people["office"])
    html = client.get("/?panel=audit").content.decode()
    assert AuditEntry.objects.count() >= 50
    assert html.count("<code>") == 10


def test_forecast_panel_embeds_the_forecast_pages_chart_data(client, people):
    import json

    populate(1, **people)
    client.force_login(people["office"])
    html = client.get("/?panel=forecast").content.decode()
    data = json.loads(
        re.search(r'<script id="forecast-chart-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    assert data["area"]["code"] == "140300"
    assert [t["value"] for t in data["thresholds"]] == [100, 150, 200, 300]
    assert any(v is not None for v in data["observed"])
    assert "js/forecast_chart.js" in html  # re-run after htmx swaps the panel in


def test_status_names_the_level_and_response(client, people):
    populate(1, **people)
    client.force_login(people["office"])
    html = client.get("/?panel=status").content.decode()
    assert "橙色预警" in html and "Ⅱ级响应" in html and "阳泉重污染预警〔测试〕第0号" in html


# --------------------------------------------------------------------------- query counts


LOGINS = {
    Role.OFFICE: "office",
    Role.VICE_COMMANDER: "vice",
    Role.COMMANDER: "commander",
}


def _login(client, role, people, make_user):
    user = people[LOGINS[role]] if role in LOGINS else make_user(role)
    client.force_login(user)
    return user


@pytest.mark.parametrize("role", Role.values)
def test_dashboard_queries_do_not_grow_with_rows(role, client, people, make_user, django_assert_max_num_queries):
    _login(client, role, people, make_user)
    populate(1, **people)
    small, _ = count_queries(client, "/")
    populate(3, **people)  # three times as many warnings, forms, deadlines, deliveries, audit entries
    with django_assert_max_num_queries(MAX_PAGE_QUERIES):
        large, response = count_queries(client, "/")
    assert large == small, f"{role}: {small} queries with the small data, {large} with three times as much"
    assert panel_ids(response.content.decode()) == panels.layout_for(role)


@pytest.mark.parametrize("name", list(panels.PANELS))
def test_each_panel_queries_do_not_grow_with_rows(name, client, people, make_user, django_assert_max_num_queries):
    panel = panels.PANELS[name]
    role = next(r for r in (Role.OFFICE, Role.VICE_COMMANDER, Role.UNIT, Role.COUNTY) if r in panel.roles)
    _login(client, role, people, make_user)
    populate(1, **people)
    small, _ = count_queries(client, f"/?panel={name}")
    populate(3, **people)
    with django_assert_max_num_queries(MAX_PANEL_QUERIES):
        large, _ = count_queries(client, f"/?panel={name}")
    assert large == small, f"{name}: {small} → {large}"


def test_on_a_responses_first_day_the_panels_follow_todays_report(client, make_user):
    """A response that started this morning owes no report for yesterday: the compliance panel and
    the unit's panel follow today's report (due tomorrow at 10:00), and a unit that filed it is
    counted, not told that no report is owed."""
    from alerts.models import Warning
    from command.models import MemberUnit
    from response.models import DailyReport, Response

    now = timezone.now()
    today = timezone.localdate()
    started = max(now - dt.timedelta(minutes=5), timezone.make_aware(dt.datetime.combine(today, dt.time(0, 1))))
    warning = Warning.objects.create(
        number="阳泉重污染预警〔测试〕第1号",
        status=Warning.Status.ACTIVE,
        level="orange",
        response_level="II",
        published_at=started,
    )
    response = Response.objects.create(warning=warning, level="II", started_at=started)
    unit = MemberUnit.objects.filter(active=True, area__isnull=True).order_by("order", "pk").first()
    DailyReport.objects.create(
        response=response,
        unit=unit,
        report_date=today,
        measures_done="已落实",
        content="已落实",
        submitted_by=make_user(Role.UNIT, unit=unit),
        submitted_at=now,
    )

    client.force_login(make_user(Role.OFFICE))
    html = client.get("/?panel=compliance").content.decode()
    assert "不在应急响应期间" not in html
    assert f"{today:%Y-%m-%d}" in html
    on_time, late, pending, missing = [int(n) for n in re.findall(r"</span> (\d+)</li>", html)]
    assert (on_time, late) == (1, 0)
    assert on_time + pending + missing == MemberUnit.objects.filter(active=True).count()

    client.force_login(make_user(Role.UNIT, unit=unit))
    html = client.get("/?panel=reports").content.decode()
    assert "已于" in html and "尚未报送" not in html
