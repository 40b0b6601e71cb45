"""附件6 assembled from the other apps' data, produced through their own services: the orders of a
response (response app), the daily reports and their compliance, the supervision group's
inspections and public tip-offs (supervision app), and the reduction estimate (measures app)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from accounts.roles import Role
from alerts.models import ApprovalForm
from command.models import Area, MemberUnit
from reviews import selectors, services
from reviews.views import data_rows

from .helpers import at, december_warning

pytestmark = pytest.mark.django_db


def _forms(warning):
    return {f.action: f for f in warning.forms.filter(status=ApprovalForm.Status.APPROVED)}


@pytest.fixture
def december_response(make_user):
    """The December example run through the response and supervision services."""
    from response import services as response_services
    from supervision import services as supervision_services

    warning = december_warning()
    forms = _forms(warning)
    jiaotong = make_user(Role.UNIT, unit=MemberUnit.objects.get(slug="jiaotong"))
    other_unit = MemberUnit.objects.filter(active=True).exclude(slug="jiaotong").order_by("order").first()
    other = make_user(Role.UNIT, unit=other_unit)
    supervisor = make_user(Role.SUPERVISOR)
    office = make_user(Role.OFFICE)

    response_services.response_apply_form(form_id=forms["issue"].pk, now=at("2026-12-01 08:20"))
    first_round = {o.unit_id: o for o in warning.emergency_response.orders.all()}
    response_services.order_acknowledge(
        actor=jiaotong, order_id=first_round[jiaotong.unit_id].pk, now=at("2026-12-01 08:40")
    )
    response_services.order_confirm_in_place(
        actor=jiaotong, order_id=first_round[jiaotong.unit_id].pk, note="已落实", now=at("2026-12-01 09:30")
    )  # within 2 hours
    response_services.order_confirm_in_place(
        actor=other, order_id=first_round[other.unit_id].pk, note="已落实", now=at("2026-12-01 11:00")
    )  # 2 h 40 min: late
    response_services.daily_report_submit(
        actor=jiaotong,
        report_date=at("2026-12-01 00:00").date(),
        content="落实",
        inspections=3,
        enterprises_checked=5,
        violations_found=1,
        now=at("2026-12-02 09:00"),
    )
    response_services.response_apply_form(form_id=forms["upgrade"].pk, now=at("2026-12-02 09:00"))
    response_services.daily_report_submit(
        actor=other,
        report_date=at("2026-12-02 00:00").date(),
        content="落实",
        inspections=2,
        enterprises_checked=4,
        violations_found=0,
        now=at("2026-12-03 11:00"),
    )  # after 10:00: late
    with time_machine.travel(at("2026-12-02 15:00"), tick=False):
        first = supervision_services.inspection_create(
            actor=supervisor,
            date=at("2026-12-02 00:00").date(),
            place="平定县",
            findings="未停产",
            violation=True,
            violation_description="未按要求停产",
        )
        supervision_services.inspection_create(
            actor=supervisor, date=at("2026-12-03 00:00").date(), place="盂县", findings="已落实"
        )
        again = supervision_services.inspection_create(
            actor=supervisor,
            date=at("2026-12-03 00:00").date(),
            place="平定县",
            findings="仍未停产",
            violation=True,
            violation_description="再次发现未停产",
        )  # a repeat offender
        supervision_services.enforcement_order(actor=supervisor, inspection_id=first.pk, kind="stop")
        supervision_services.enforcement_order(
            actor=supervisor,
            inspection_id=again.pk,
            kind="fine",
            fine_amount="50000",
            decision_number="阳环罚〔2026〕12号",
        )
        supervision_services.enforcement_order(
            actor=supervisor, inspection_id=again.pk, kind="referral", referred_to="市公安局"
        )
        true_one = supervision_services.tipoff_submit(
            category="enterprise",
            place="某厂",
            description="夜间生产",
            reporter_name="王",
            reporter_phone="13800000000",
        )
        supervision_services.tipoff_submit(category="dust", place="某工地", description="扬尘")
        supervision_services.tipoff_start_verification(actor=office, tipoff_id=true_one.pk)
        supervision_services.tipoff_conclude(actor=office, tipoff_id=true_one.pk, verified=True, note="属实")
    with time_machine.travel(at("2026-11-20 10:00"), tick=False):  # before the response: not counted
        supervision_services.inspection_create(
            actor=supervisor,
            date=at("2026-11-20 00:00").date(),
            place="郊区",
            findings="正常",
            violation=True,
            violation_description="旧问题",
        )
    response_services.response_apply_form(form_id=forms["lift"].pk, now=at("2026-12-04 17:40"))
    return warning


def test_orders_reports_and_supervision_are_assembled(december_response):
    units = MemberUnit.objects.filter(active=True).count()
    with time_machine.travel(at("2026-12-10 09:00"), tick=False):
        figures = selectors.summary_figures(selectors.warning_for_review(december_response.pk))
    assert figures["orders"] == {
        "found": True,
        "issued": 2 * units,
        "units": units,
        "rounds": 2,
        "acknowledged": 2,
        "in_place": 2,
        "on_time": 1,
        "late": 1,
    }
    reports = figures["reports"]
    # Owed: the reports on 12-01 to 12-04, the last day included (warning-rules.md §9: its report
    # falls due 12-05 10:00, the morning after the lift).
    assert reports["days"] == 4
    assert (reports["expected"], reports["filed"], reports["on_time"], reports["late"], reports["missing"]) == (
        4 * units,
        2,
        1,
        1,
        4 * units - 2,
    )
    assert (reports["inspections"], reports["enterprises_checked"], reports["violations"]) == (5, 9, 1)
    assert figures["supervision"] == {
        "inspections": 3,
        "violations": 2,
        "tipoffs": 2,
        "tipoffs_verified": 1,
        "tipoffs_rewarded": 0,
        "stops": 1,
        "fines": 1,
        "fine_total": "50000.00",
        "referrals": 1,
        "repeat_offenders": 1,
    }
    text = " ".join(row["text"] for row in data_rows(figures))
    assert f"下达指令 {2 * units} 条（2 轮）" in text
    assert "2小时内按时到位 1 条、超时 1 条" in text
    assert "迟报 1 份" in text
    assert "督导检查 3 次，发现违规 2 起；公众举报 2 条，经核查属实 1 条" in text
    assert "责令停产 1 起，罚款 1 起（合计 50000.00 元），移送 1 起；屡查屡犯 1 家" in text


def test_the_snapshot_keeps_the_assembled_figures(december_response, make_user):
    office = make_user(Role.OFFICE)
    services.summary_save(actor=office, warning_id=december_response.pk, measures_summary="总结", filled_by_name="张三")
    with time_machine.travel(at("2026-12-10 09:00"), tick=False):
        summary = services.summary_finalize(actor=office, warning_id=december_response.pk)
    frozen = summary.snapshot["supervision"]["inspections"]
    from supervision import services as supervision_services

    with time_machine.travel(at("2026-12-11 09:00"), tick=False):  # a late entry for a day of the response
        supervision_services.inspection_create(
            actor=make_user(Role.SUPERVISOR), date=at("2026-12-03 00:00").date(), place="矿区", findings="补录"
        )
        live = selectors.summary_figures(selectors.warning_for_review(december_response.pk))
    assert live["supervision"]["inspections"] == frozen + 1
    summary.refresh_from_db()
    assert summary.snapshot["supervision"]["inspections"] == frozen


def test_a_warning_without_a_response_record_says_so(make_user):
    warning = december_warning()
    figures = selectors.summary_figures(selectors.warning_for_review(warning.pk))
    assert figures["orders"]["found"] is False and figures["reports"]["found"] is False
    assert "未找到该预警的应急响应记录" in " ".join(row["text"] for row in data_rows(figures))


def test_reduction_estimate_at_the_level_comes_from_the_registry(plan):
    from measures.models import Enterprise, Industry

    assert selectors.reduction_estimate("orange") is None  # an empty registry gives no estimate
    Enterprise.objects.create(
        name="测试企业",
        area=Area.objects.get(code="140321"),
        industry=Industry.objects.get(seq=1),
        grade="C",
        so2_t=Decimal("10"),
        nox_t=Decimal("20"),
        pm_t=Decimal("5"),
        fuel="coal",
    )
    rows = selectors.reduction_estimate("orange")
    assert [r["pollutant"] for r in rows] == ["二氧化硫", "氮氧化物", "颗粒物", "挥发性有机物"]
    assert [r["total"] for r in rows] == [10.0, 20.0, 5.0, 0.0]
    assert {r["target"] for r in rows} == {30.0}  # Ⅱ级: 30 %
    assert all(0 <= r["amount"] <= r["total"] for r in rows)
    lines = selectors.reduction_lines(rows)
    assert lines[0].startswith("二氧化硫预计减排") and "目标30%" in lines[0]
    assert selectors.reduction_estimate("none") is None
    prefill = selectors.evaluation_prefill(selectors.warning_for_review(december_warning().pk))
    assert prefill["figures"]["reduction"] == rows
    assert "减排测算：二氧化硫预计减排" in prefill["content"]
