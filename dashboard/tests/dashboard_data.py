"""Realistic dashboard data in `size` multiples: warnings (one active, with its response, the
others lifted), approval forms waiting with the office and with each leader, open deadlines (some
overdue), member-unit orders and daily reports, county on-duty confirmations, SMS deliveries in
every state, and 50 × size audit entries written through the audit service."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.roles import Role


def populate(size: int, *, office, vice, commander) -> dict:
    from alerts.models import ApprovalForm, Warning
    from audit.services import audit_record
    from command.models import MemberUnit
    from deadlines.models import Deadline
    from notifications.models import Delivery
    from publication.models import DutyConfirmation
    from response.models import DailyReport, Order, Response

    now = timezone.now()
    # the demo member-unit user's unit (tests.factories) first, so that user has orders and a report
    units = sorted(
        MemberUnit.objects.filter(active=True, area__isnull=True).order_by("order", "pk"),
        key=lambda u: u.slug != "jiaotong",
    )
    county = MemberUnit.objects.filter(area__code="140321").first()

    def form(warning, *, action, level, status, approver, at, from_level="none"):
        return ApprovalForm.objects.create(
            warning=warning,
            action=action,
            from_level=from_level,
            level=level,
            approver_role=approver,
            effective_at=at,
            basis="依据",
            content="内容",
            drafted_by=office,
            status=status,
            submitted_by=office if status != ApprovalForm.Status.DRAFT else None,
            submitted_at=at if status != ApprovalForm.Status.DRAFT else None,
            decided_by=(vice if approver == Role.VICE_COMMANDER else commander)
            if status == ApprovalForm.Status.APPROVED
            else None,
            decided_at=at if status == ApprovalForm.Status.APPROVED else None,
        )

    # the warning in force: orange, Ⅱ级响应, published two days ago (a second call adds to it)
    batch = Warning.objects.count()
    active = Warning.objects.filter(status=Warning.Status.ACTIVE).first()
    if active is None:
        active = Warning.objects.create(
            number="阳泉重污染预警〔测试〕第0号",
            status=Warning.Status.ACTIVE,
            level="orange",
            response_level="II",
            published_at=now - dt.timedelta(days=2),
        )
        issue = form(
            active,
            action="issue",
            level="orange",
            status=ApprovalForm.Status.APPROVED,
            approver=Role.VICE_COMMANDER,
            at=now - dt.timedelta(days=2),
        )
        response = Response.objects.create(warning=active, level="II", started_at=now - dt.timedelta(days=2))
        for role in (DutyConfirmation.DutyRole.GOVERNMENT, DutyConfirmation.DutyRole.PARTY):
            DutyConfirmation.objects.create(warning=active, form=issue, unit=county, role=role)
    issue = active.forms.get(action="issue")
    response = active.emergency_response
    ordered = set(Order.objects.values_list("unit_id", flat=True))
    reported = set(DailyReport.objects.values_list("unit_id", flat=True))
    for unit in [u for u in units if u.pk not in ordered][: 4 * size]:
        order = Order.objects.create(
            response=response,
            form=issue,
            unit=unit,
            level="II",
            preamble="指令",
            measures=[],
            issued_at=now - dt.timedelta(days=2),
        )
        Deadline.objects.create(
            kind=Deadline.Kind.MEASURES,
            warning=active,
            unit=unit,
            key=order.deadline_key,
            started_at=order.issued_at,
            due_at=order.issued_at + dt.timedelta(hours=1),
        )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    for unit in [u for u in units if u.pk not in reported][: 2 * size]:
        DailyReport.objects.create(
            response=response,
            unit=unit,
            report_date=yesterday,
            measures_done="已落实",
            submitted_by=office,
            submitted_at=now - dt.timedelta(hours=3),
        )

    # pending forms: per size one draft (with the office), one for the vice-commander, one for the commander
    pending = []
    for n in range(size):
        for k, (status, approver, level) in enumerate(
            (
                (ApprovalForm.Status.DRAFT, Role.VICE_COMMANDER, "yellow"),
                (ApprovalForm.Status.SUBMITTED, Role.VICE_COMMANDER, "orange"),
                (ApprovalForm.Status.SUBMITTED, Role.COMMANDER, "red"),
            )
        ):
            warning = Warning.objects.create(
                number=f"阳泉重污染预警〔测试〕待{batch}-{n}-{k}号", status=Warning.Status.PENDING
            )
            pending.append(
                form(
                    warning,
                    action="issue",
                    level=level,
                    status=status,
                    approver=approver,
                    at=now - dt.timedelta(minutes=30 + k),
                )
            )
            Deadline.objects.create(
                kind=Deadline.Kind.PUBLISH,
                warning=warning,
                form=pending[-1],
                key=f"test:publish:{batch}:{n}:{k}",
                started_at=now - dt.timedelta(hours=1),
                due_at=now + dt.timedelta(minutes=20 - 30 * k),
            )  # the later ones overdue

    # lifted warnings of the past, each with its approved issue and lift
    for n in range(size):
        start = now - dt.timedelta(days=30 + 10 * n)
        lifted = Warning.objects.create(
            number=f"阳泉重污染预警〔测试〕第{batch}-{n + 1}号",
            status=Warning.Status.LIFTED,
            level="none",
            published_at=start,
            lifted_at=start + dt.timedelta(days=2),
        )
        form(
            lifted,
            action="issue",
            level="yellow",
            status=ApprovalForm.Status.APPROVED,
            approver=Role.VICE_COMMANDER,
            at=start,
        )
        form(
            lifted,
            action="lift",
            level="none",
            from_level="yellow",
            status=ApprovalForm.Status.APPROVED,
            approver=Role.VICE_COMMANDER,
            at=start + dt.timedelta(days=2),
        )

    statuses = [Delivery.Status.SENT, Delivery.Status.DELIVERED, Delivery.Status.FAILED, Delivery.Status.QUEUED]
    for n in range(4 * size):
        Delivery.objects.create(
            key=f"warning:{issue.pk}",
            recipient_key=f"r{batch}-{n}",
            phone=f"139{batch:04d}{n:04d}",
            text="预警短信",
            status=statuses[n % 4],
        )
    for n in range(50 * size):
        audit_record(actor=office, action="tests.dashboard.entry", target=active, data={"n": n})
    # the city's daily AQI for the days before today, so the forecast panel draws its chart
    from forecasts.models import AirQualityRecord

    today = timezone.localdate()
    stored = set(AirQualityRecord.objects.filter(period="day").values_list("time__date", flat=True))
    add_daily_records(
        [
            (today - dt.timedelta(days=k), 80 + 40 * (k % 4))
            for k in range(1, 1 + 4 * size)
            if today - dt.timedelta(days=k) not in stored
        ]
    )
    return {"active": active, "response": response, "pending": pending, "county": county, "issue": issue}


def add_daily_records(days: list[tuple[dt.date, float]], *, kind: str = "observed") -> int:
    """Daily city AQI rows (as an import of a daily file stores them), real data (no replay)."""
    import hashlib
    from zoneinfo import ZoneInfo

    from command.models import Area
    from forecasts.models import AirQualityRecord, ForecastImport

    zone = ZoneInfo("Asia/Shanghai")
    city = Area.objects.get(code="140300")
    digest = hashlib.sha256(repr(days).encode() + str(ForecastImport.objects.count()).encode()).hexdigest()
    batch = ForecastImport.objects.create(file_name="test.csv", file_sha256=digest, channel="command", period="day")
    rows = [
        AirQualityRecord(
            area=city,
            period="day",
            time=dt.datetime.combine(day, dt.time.min, tzinfo=zone),
            kind=kind,
            issued_at=dt.datetime.combine(day, dt.time.min, tzinfo=zone),
            aqi=aqi,
            source_import=batch,
        )
        for day, aqi in days
    ]
    AirQualityRecord.objects.bulk_create(rows)
    return len(rows)
