from __future__ import annotations

import factory

from accounts.models import User
from accounts.roles import Role
from command.models import Area, MemberUnit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = Role.OFFICE
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @classmethod
    def for_role(cls, role: str, **kwargs) -> User:
        if role == Role.UNIT and "unit" not in kwargs:
            kwargs["unit"] = MemberUnit.objects.get(slug="jiaotong")
        if role == Role.COUNTY and "area" not in kwargs:
            kwargs["area"] = Area.objects.get(code="140321")
        user = cls(role=role, **kwargs)
        user.save()
        return user


def warning_content(action: str = "issue", **overrides) -> dict:
    """What a warning says (warning-rules.md §11) for a complete approval form, as keyword arguments
    of alerts.services.form_draft: a PM10 episode from tomorrow for two days, AQI 150～240, over the
    whole city. A lift needs only the weather trend. ``overrides`` replace any of them."""
    import datetime as dt

    from django.utils import timezone

    values: dict = {"weather_trend": "受静稳天气影响，扩散条件较差，污染将持续"}
    if action != "lift":
        start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
        values.update(
            pollution_start=start,
            pollution_end=start + dt.timedelta(days=2),
            aqi_low=150,
            aqi_high=240,
            degree="轻度至重度污染",
            primary_pollutant="PM10",
            affected_areas=["140300"],
        )
    return {**values, **overrides}


# A 1×1 PNG and the start of a PDF: the bytes behind the example photo and attachment.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ff"
    "ff3f0005fe02fea7d6a4830000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def example_objects(users: dict) -> None:
    """The rows the role matrix's EXAMPLES name (tests/test_role_matrix.py), and one row of each
    other model a page shows, so that every detail page renders for a role allowed to see it.

    ``users`` is one user per role (the unit user of 交通运输局, the county user of 140321): they
    draft, submit and receive these rows. Files go to MEDIA_ROOT: point it at a temporary folder.

    - Warning pk=1, pending, with its draft ApprovalForm pk=1 (citing Consultation pk=1);
    - Warning pk=2, lifted, with its response summary and effect evaluation (附件6/附件8);
    - Warning pk=3 in force (orange, 响应 II) on a provincial notice, its approved ApprovalForm pk=2
      (the CAP alert), its Response with Order pk=1 (交通运输局, in place), DailyReport pk=1 with
      ReportAttachment pk=1, a county's duty confirmation, Inspection pk=1 (+ InspectionPhoto pk=1,
      of Enterprise pk=1 of 140321, with EnforcementAction pk=1, a fine), TipOff pk=1 (routed to
      交通运输局), Notification pk=1 (for the office user), a failed SMS;
    - DrillRecord pk=1, Replay pk=1, Evaluation pk=1 with Consultation pk=1, ForecastImport pk=1;
    - ApiToken pk=1, a live API token of the office user;
    - OzonePrompt pk=1 in force (Consultation pk=2) with OzoneOrder pk=1 of 交通运输局, So2Task pk=1 of 140321;
    - DutySlot pk=1 (交通运输局, on duty now), UnitContact pk=1 (交通运输局's liaison), SupplyItem pk=1.
    """
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from alerts.models import ApprovalForm, ProvincialNotice, Warning
    from forecasts.models import Consultation, Evaluation, ForecastImport, Replay
    from measures.models import Enterprise, Industry
    from notifications.models import Delivery, Notification, UnitContact
    from publication.models import DutyConfirmation
    from response.models import DailyReport, Order, ReportAttachment, Response, ResponseChange
    from reviews.models import DrillRecord, EffectEvaluation, ResponseSummary
    from supervision.models import EnforcementAction, Inspection, InspectionPhoto, TipOff

    now = timezone.now()
    office, unit_user, county_user = users[Role.OFFICE], users[Role.UNIT], users[Role.COUNTY]
    supervisor = users[Role.SUPERVISOR]
    jiaotong = MemberUnit.objects.get(slug="jiaotong")
    county = Area.objects.get(code="140321")

    # forecasts: Evaluation pk=1 and the Consultation pk=1 attached to it; a replay; an import
    evaluation = Evaluation.objects.create(
        pk=1,
        trigger=Evaluation.Trigger.MANUAL,
        now=now,
        level="none",
        recommendation="none",
        result={"level": "none", "processes": [], "so2_alerts": [], "reasons": ["示例评估"], "windows": []},
    )
    Consultation.objects.create(pk=1, kind=Consultation.Kind.REALTIME, evaluation=evaluation)
    Replay.objects.create(
        pk=1, name="示例回放", source_file="/dev/null", step="day", start=now, end=now, status=Replay.Status.FINISHED
    )
    ForecastImport.objects.create(
        pk=1,
        file_name="示例.csv",
        file_sha256="0" * 64,
        channel=ForecastImport.Channel.PAGE,
        period="hour",
        uploaded_by=office,
    )

    # Warning pk=1, pending, with its draft form pk=1 (its page shows the consultation it cites)
    pending = Warning.objects.create(
        pk=1, number="阳泉重污染预警〔示例〕第1号", status=Warning.Status.PENDING, level="none"
    )
    # What the warning says (warning-rules.md §11), on both example forms.
    content = {
        "weather_trend": "示例气象趋势",
        "pollution_start": now,
        "pollution_end": now + dt.timedelta(days=2),
        "aqi_low": 150,
        "aqi_high": 240,
        "degree": "轻度至重度污染",
        "primary_pollutant": "PM10",
    }
    ApprovalForm.objects.create(
        pk=1,
        warning=pending,
        action="issue",
        from_level="none",
        level="orange",
        approver_role="vice_commander",
        effective_at=now,
        basis="示例依据",
        content="示例内容",
        drafted_by=office,
        consultation_id=1,
        **content,
    ).affected_areas.set([Area.objects.get(code="140300"), county])

    # Warning pk=2, lifted, with its reviews; a drill record
    lifted = Warning.objects.create(
        pk=2,
        number="阳泉重污染预警〔示例〕第2号",
        status=Warning.Status.LIFTED,
        level="none",
        published_at=now - dt.timedelta(days=2),
        lifted_at=now,
    )
    ResponseSummary.objects.create(
        warning=lifted,
        measures_summary="示例总结",
        achievements="示例成效",
        problems="示例问题",
        suggestions="示例建议",
        created_by=office,
    )
    EffectEvaluation.objects.create(
        warning=lifted,
        organiser="示例单位",
        leader="示例",
        other_members="示例成员",
        level="orange",
        evaluated_on=timezone.localdate(),
        content="示例评估",
        created_by=office,
    )
    DrillRecord.objects.create(
        pk=1,
        location="示例地点",
        commander="示例",
        held_at=now,
        participants="示例",
        mode="桌面推演",
        recorder="示例",
        recorded_on=timezone.localdate(),
    )

    # Warning pk=3 in force, its approved form pk=2 and its response
    notice = ProvincialNotice.objects.create(
        pk=1,
        scope=ProvincialNotice.Scope.PROVINCE,
        level="orange",
        document_number="晋污染防治〔示例〕1号",
        period_start=now - dt.timedelta(days=1),
        received_at=now - dt.timedelta(days=1),
        text="示例通知",
        recorded_by=office,
    )
    # its 1-hour form clock, closed by the office without a form (§9: the city already responds at orange)
    from deadlines import keys as deadline_keys
    from deadlines.models import Deadline

    Deadline.objects.create(
        kind="form",
        key=deadline_keys.form_for_notice(notice.pk),
        provincial_notice=notice,
        started_at=notice.received_at,
        due_at=notice.received_at + dt.timedelta(hours=1),
        met_at=notice.received_at + dt.timedelta(minutes=20),
        close_reason="示例办结理由",
        closed_by=office,
    )
    warning = Warning.objects.create(
        pk=3,
        number="阳泉重污染预警〔示例〕第3号",
        status=Warning.Status.ACTIVE,
        level="orange",
        response_level="II",
        published_at=now - dt.timedelta(days=1),
        provincial_notice=notice,
    )
    form = ApprovalForm.objects.create(
        pk=2,
        warning=warning,
        action="issue",
        status=ApprovalForm.Status.APPROVED,
        from_level="none",
        level="orange",
        approver_role="vice_commander",
        effective_at=now - dt.timedelta(days=1),
        basis="示例依据",
        content="示例内容",
        drafted_by=office,
        decided_by=users[Role.VICE_COMMANDER],
        decided_at=now - dt.timedelta(days=1),
        provincial_notice=notice,
        **content,
    )
    form.affected_areas.set([Area.objects.get(code="140300"), Area.objects.get(code="kfq")])
    response = Response.objects.create(
        warning=warning, level="II", started_at=now - dt.timedelta(days=1), closing_notice="示例终止通知"
    )
    ResponseChange.objects.create(
        response=response,
        form=form,
        action="issue",
        from_level="",
        to_level="II",
        applied_at=now - dt.timedelta(days=1),
    )
    Order.objects.create(
        pk=1,
        response=response,
        form=form,
        unit=jiaotong,
        level="II",
        status=Order.Status.IN_PLACE,
        preamble="示例指令",
        issued_at=now - dt.timedelta(days=1),
        acknowledged_at=now - dt.timedelta(hours=23),
        acknowledged_by=unit_user,
        in_place_at=now - dt.timedelta(hours=22),
        in_place_by=unit_user,
        in_place_note="示例落实情况",
    )
    report = DailyReport.objects.create(
        pk=1,
        response=response,
        unit=jiaotong,
        report_date=timezone.localdate() - dt.timedelta(days=1),
        measures_done="示例措施",
        content="示例说明",
        submitted_by=unit_user,
        submitted_at=now,
    )
    ReportAttachment.objects.create(
        pk=1,
        report=report,
        file=ContentFile(PDF, name="report.pdf"),
        name="示例.pdf",
        size=len(PDF),
        content_type="application/pdf",
    )
    # the channels of form pk=2 (§4.2.4): the system's done, 政务微博 and the rest pending
    from publication.channels import channel_system_done, channels_open

    channels_open(form)
    for code in ("public_page", "cap_feed", "sms", "in_app"):
        channel_system_done(form, code, at=now - dt.timedelta(days=1))
    DutyConfirmation.objects.create(
        warning=warning,
        form=form,
        unit=MemberUnit.objects.filter(kind="county", area=county).first(),
        role=DutyConfirmation.DutyRole.GOVERNMENT,
        confirmed_by=county_user,
        confirmed_at=now,
        note="示例说明",
    )
    enterprise = Enterprise.objects.create(
        pk=1,
        name="示例企业",
        area=county,
        industry=Industry.objects.first(),
        subtype="示例子类",
        grade="A",
        responsible_unit=jiaotong,
    )
    inspection = Inspection.objects.create(
        pk=1,
        date=timezone.localdate(),
        place="示例地点",
        enterprise_name="示例企业",
        enterprise=enterprise,
        county=county,
        findings="示例情况",
        violation=True,
        violation_description="示例违规",
        follow_up_notes="示例处理",
        response=response,
        inspector=supervisor,
    )
    InspectionPhoto.objects.create(
        pk=1,
        inspection=inspection,
        file=ContentFile(PNG, name="photo.png"),
        name="示例.png",
        size=len(PNG),
        content_type="image/png",
        uploaded_by=supervisor,
    )
    TipOff.objects.create(
        pk=1,
        reference="JB-EXAMPLE-0001",
        category=TipOff.Category.ENTERPRISE,
        place="示例地点",
        description="示例举报",
        real_name=True,
        reporter_name="示例",
        response=response,
        status=TipOff.Status.TRUE,
        verification_note="示例核查",
        handled_by=office,
        verified_at=now,
        reward=True,
        reward_note="示例奖励",
        reward_decided_at=now,
        assigned_unit=jiaotong,
        routed_at=now,
    )
    EnforcementAction.objects.create(
        pk=1,
        inspection=inspection,
        kind=EnforcementAction.Kind.FINE,
        fine_amount=10000,
        decision_number="阳环罚〔2026〕示例号",
        ordered_by=supervisor,
    )
    Notification.objects.create(
        pk=1,
        recipient=office,
        kind="example",
        title="示例通知",
        body="示例内容",
        link="/",
        target_type="alerts.warning",
        target_id="3",
    )
    from accounts.models import ApiToken
    from accounts.services import api_token_hash

    ApiToken.objects.create(
        pk=1,
        user=office,
        name="示例客户端",
        prefix="example0",
        key_hash=api_token_hash("example-token"),
        created_at=now,
        expires_at=now + dt.timedelta(hours=12),
    )
    Delivery.objects.create(
        key=f"warning:{form.pk}",
        recipient_key="example-1",
        name="示例接收人",
        phone="13800000000",
        text="示例短信",
        status=Delivery.Status.FAILED,
        retryable=False,
        attempts=3,
        last_error="示例错误",
        provider_id="示例编号",
        failed_at=now,
    )
    # advisories (warning-rules.md §10): OzonePrompt pk=1 in force (its Consultation pk=2) with OzoneOrder pk=1 of
    # 交通运输局; So2Task pk=1 of 140321
    from advisories.models import OzoneOrder, OzonePrompt, So2Task

    ozone = OzonePrompt.objects.create(
        pk=1,
        status=OzonePrompt.Status.IN_FORCE,
        evaluation=evaluation,
        latest_evaluation=evaluation,
        consultation=Consultation.objects.create(pk=2, kind=Consultation.Kind.OZONE, evaluation=evaluation),
        period_start=now,
        period_end=now + dt.timedelta(days=1),
        peak_aqi=210,
        text="示例臭氧预警提示",
        confirmed_at=now,
        confirmed_by=office,
    )
    OzoneOrder.objects.create(
        pk=1,
        prompt=ozone,
        unit=jiaotong,
        preamble="示例臭氧指令",
        issued_at=now,
        measures=[{"title": "臭氧污染减排措施", "text": "示例措施"}],
        enterprises=[
            {
                "id": enterprise.pk,
                "name": "示例企业",
                "area": county.name,
                "industry": "示例行业",
                "vocs_t": "1",
                "nox_t": "1",
            }
        ],
    )
    So2Task.objects.create(
        pk=1,
        area=county,
        unit=MemberUnit.objects.filter(kind="county", area=county).first(),
        start=now,
        end=now + dt.timedelta(hours=3),
        max_so2=180,
        evaluation=evaluation,
        latest_evaluation=evaluation,
        issued_at=now,
        enterprises=[{"id": enterprise.pk, "name": "示例企业", "industry": "示例行业", "so2_t": "1"}],
    )
    # upkeep (plan §9.1, §6): Training pk=1 of 交通运输局, Suggestion pk=1 (open) of Warning pk=2's summary
    from upkeep.models import Suggestion, Training

    Training.objects.create(
        pk=1,
        unit=jiaotong,
        topic="示例培训",
        contents=["reporting"],
        trainer="示例",
        held_on=timezone.localdate(),
        attendee_count=10,
        assessment="written",
        assessed_count=10,
        passed_count=9,
        created_by=office,
    )
    Suggestion.objects.create(
        pk=1, summary=ResponseSummary.objects.get(warning_id=2), text="示例改进建议", unit=jiaotong, recorded_by=office
    )

    # guarantees (plan §8): DutySlot pk=1 of 交通运输局 on duty now in the response to Warning pk=3; UnitContact pk=1
    # of 交通运输局 (its liaison) with a confirmation; SupplyItem pk=1 kept by the office
    from guarantees.models import ContactConfirmation, DutySlot, SupplyItem

    DutySlot.objects.create(
        pk=1,
        response=response,
        unit=jiaotong,
        person="示例值班员",
        phone="0353-2022993",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=11),
        created_by=office,
    )
    UnitContact.objects.create(pk=1, unit=jiaotong, name="示例联络员", position="科长", mobile="13700000001")
    ContactConfirmation.objects.create(
        unit=jiaotong, confirmed_at=now, confirmed_by=unit_user, summary="信息无变化，确认"
    )
    SupplyItem.objects.create(
        pk=1,
        kind=SupplyItem.Kind.VEHICLE,
        name="示例应急监测车",
        quantity=2,
        measure="辆",
        location="示例地点",
        last_checked_on=timezone.localdate(),
        updated_by=office,
    )
    # Rows made with explicit ids leave PostgreSQL's sequences behind: the next row a test (or a fuzzed
    # API call) creates would take id 1 again and fail on the primary key.
    from django.core.management.color import no_style
    from django.db import connection

    explicit = [
        DutySlot,
        SupplyItem,
        UnitContact,
        Suggestion,
        Training,
        OzoneOrder,
        OzonePrompt,
        So2Task,
        ApiToken,
        ApprovalForm,
        Consultation,
        DailyReport,
        DrillRecord,
        Evaluation,
        ForecastImport,
        Inspection,
        InspectionPhoto,
        Notification,
        Order,
        ProvincialNotice,
        Replay,
        ReportAttachment,
        TipOff,
        Warning,
        Enterprise,
        EnforcementAction,
    ]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), explicit):
            cursor.execute(sql)
    _county_examples(county, response, county_user)


def _county_examples(county, response, county_user) -> None:
    """counties: the headquarters of 140321 with CountyContact pk=1, and ExtraMeasure pk=1 of 140321 in the
    response to Warning pk=3."""
    from django.core.management.color import no_style
    from django.db import connection
    from django.utils import timezone

    from counties.models import CountyBody, CountyContact, ExtraMeasure

    body = CountyBody.objects.create(area=county, kind=CountyBody.Kind.HEADQUARTERS, name="平定县重污染天气应急指挥部")
    CountyContact.objects.create(
        pk=1, body=body, post="总指挥", name="示例", position="平定县人民政府县长", mobile="13800000001"
    )
    ExtraMeasure.objects.create(
        pk=1,
        response=response,
        area=county,
        category=ExtraMeasure.Category.DUST,
        measure="示例加强措施",
        started_at=response.started_at,
        scope="县城建成区",
        sites=3,
        filed_by=county_user,
        filed_at=timezone.now(),
    )
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [CountyContact, ExtraMeasure]):
            cursor.execute(sql)
