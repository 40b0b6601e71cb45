"""Publication on approval (plan §4.2.3–§4.2.4, §5.2, §5.4): the approval form goes through the real
services (draft → submit → approve with the signer's password), the outbox runs after commit in
eager Celery, and every channel is checked — the public payload, SMS to units' contacts and to
subscribers (once per recipient, however often publication runs), in-app notices, on-duty
confirmations, deadlines, the written report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from alerts.models import ApprovalForm, Warning
from alerts.services import form_approve, form_draft, form_submit, warning_bring_into_force
from audit.models import AuditEntry
from command.models import MemberUnit
from deadlines.models import Deadline
from forecasts.domain.categories import category_for
from notifications.models import Delivery, Notification, SmsSubscriber, UnitContact
from notifications.tests.test_transports import RECORDING, RecordingTransport
from publication import cap, public, services
from publication.models import DutyConfirmation
from tests.factories import warning_content

PASSWORD = "correct horse battery"
COUNTY_UNITS = 6  # five county/district governments and the development zone's committee (附件9)


@pytest.fixture
def recording(settings):
    settings.SMS_BACKEND = RECORDING
    settings.SMS_RATE_PER_SECOND = 1000
    settings.PUBLIC_BASE_URL = "https://aqi.example.test"
    RecordingTransport.reset()
    cache.delete_many([public.PUBLIC_CACHE_KEY, cap.CAP_FEED_CACHE_KEY])
    yield RecordingTransport
    RecordingTransport.reset()


@pytest.fixture
def people_cast():
    """The signers, users of three member units and of two counties, and a unit user no longer active."""
    return ("office", "vice", "commander", "jiaotong", "shengtai", "jiaoyu", "county", "county2", "retired")


@pytest.fixture
def contacts(plan):
    unit = lambda slug: MemberUnit.objects.get(slug=slug)  # noqa: E731
    rows = [
        UnitContact(unit=unit("jiaotong"), name="交通联络员", mobile="13700000001"),
        UnitContact(unit=unit("shengtai"), name="生态负责人", mobile="13700000002", duty_role="head"),
        UnitContact(
            unit=unit("pingding"), name="平定县长", mobile="13700000003", duty_role="head", is_government_head=True
        ),
        UnitContact(
            unit=unit("pingding"), name="平定书记", mobile="13700000004", duty_role="head", is_party_secretary=True
        ),
        UnitContact(
            unit=unit("yuxian"), name="盂县县长", mobile="13700000005", duty_role="head", is_government_head=True
        ),
        UnitContact(unit=unit("jiaoyu"), name="停用联系人", mobile="13700000006", active=False),
    ]
    UnitContact.objects.bulk_create(rows)
    SmsSubscriber.objects.create(phone="13600000001", confirmed=True)
    SmsSubscriber.objects.create(phone="13600000002", confirmed=True)
    SmsSubscriber.objects.create(phone="13600000003", confirmed=False)  # never confirmed
    SmsSubscriber.objects.create(phone="13600000004", confirmed=True, unsubscribed_at=timezone.now())
    SmsSubscriber.objects.create(phone="13700000001", confirmed=True)  # also a unit contact: one SMS
    return rows


def approve(people, capture, *, action="issue", level="orange", signer="vice", message="") -> ApprovalForm:
    start = timezone.now() + dt.timedelta(hours=2)
    form = form_draft(
        actor=people["office"],
        action=action,
        level=None if action == "lift" else level,
        basis="会商认为未来 72 小时 AQI 持续大于 200",
        content="一、气象条件不利……",
        effective_at=start,
        episode_end=start + dt.timedelta(days=3) if action != "lift" else None,
        public_message=message
        or (f"阳泉市{action}{level}预警测试信息" if action != "lift" else "阳泉市解除预警测试信息"),
        **warning_content(action, primary_pollutant="PM2.5", aqi_low=210, aqi_high=280, degree=""),
    )
    form_submit(actor=people["office"], form_id=form.pk)
    with capture(execute=True):
        form_approve(actor=people[signer], form_id=form.pk, password=PASSWORD)
        # Signed 2 h ahead, it is announced; its time comes before the test goes on (§12).
        warning_bring_into_force(form_id=form.pk, now=start)
    form.refresh_from_db()
    assert form.status == ApprovalForm.Status.APPROVED
    return form


@pytest.mark.django_db
def test_orange_issue_is_published_once_on_every_channel(
    people, contacts, recording, eager, django_capture_on_commit_callbacks
):
    form = approve(people, django_capture_on_commit_callbacks, level="orange")
    warning = Warning.objects.get(pk=form.warning_id)
    assert warning.published_at is not None

    # SMS: five active contacts and two confirmed subscribers (one of whom is also a contact).
    rows = Delivery.objects.filter(key=f"warning:{form.pk}")
    assert sorted(rows.values_list("phone", flat=True)) == [
        "13600000001",
        "13600000002",
        "13700000001",
        "13700000002",
        "13700000003",
        "13700000004",
        "13700000005",
    ]
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    contact_text = rows.get(phone="13700000002").text
    assert contact_text.startswith("【阳泉重污染应急】") and "阳泉市issueorange预警测试信息" in contact_text
    assert "退订：https://aqi.example.test/warnings/subscribe/" in rows.get(phone="13600000001").text
    assert "退订" not in rows.get(phone="13700000001").text  # the contact's text won: one SMS per number
    # On-duty SMS to the two county government heads (orange: no party secretary).
    duty_sms = Delivery.objects.filter(key=f"duty:{form.pk}")
    assert sorted(duty_sms.values_list("phone", flat=True)) == ["13700000003", "13700000005"]
    sent_before = len(recording.sent)
    assert sent_before == 7 + 2

    # In-app notices to every active member-unit and county user, linking to the warning page.
    notices = Notification.objects.filter(kind="alerts.warning.published", target_id=str(form.pk))
    expected = {people[name].pk for name in ("jiaotong", "shengtai", "jiaoyu", "county", "county2")}
    assert set(notices.values_list("recipient_id", flat=True)) == expected
    assert {n.link for n in notices} == {f"/warnings/{warning.pk}/"}
    assert all(n.read_at is None for n in notices)  # read receipts start unread

    # §5.2: orange → each county government head must confirm.
    duty = DutyConfirmation.objects.filter(form=form)
    assert duty.count() == COUNTY_UNITS and set(duty.values_list("role", flat=True)) == {"government"}
    assert duty.get(unit__slug="pingding").contact_name == "平定县长"
    assert Notification.objects.filter(kind="alerts.duty.requested", target_id=str(form.pk)).count() == 2

    # Deadlines: units notified is met; publication waits for the external channels (§4.2.4, §9:
    # publication/tests/test_channels.py), the written report for the office.
    deadlines = {d.kind: d for d in Deadline.objects.filter(form=form)}
    assert deadlines["publish"].met_at is None and deadlines["units_notified"].met_at is not None
    assert deadlines["written_report"].met_at is None
    assert AuditEntry.objects.filter(action="alerts.warning.published", target_id=str(form.pk)).count() == 1

    # Publishing again (a retried task, the outbox sweep) creates nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.publish_form({"form_id": form.pk})
    assert (again.sms_created, again.notices_created, again.confirmations_created, again.first_time) == (0, 0, 0, False)
    assert len(recording.sent) == sent_before
    assert Delivery.objects.filter(key=f"warning:{form.pk}").count() == 7
    assert DutyConfirmation.objects.filter(form=form).count() == COUNTY_UNITS
    assert AuditEntry.objects.filter(action="alerts.warning.published", target_id=str(form.pk)).count() == 1


@pytest.mark.django_db
def test_public_payload_is_cached_and_says_level_measures_and_advice(
    people, recording, eager, django_capture_on_commit_callbacks
):
    year = timezone.localdate().year
    assert public.public_warning_payload(refresh=True) == {
        "level": "none",
        "air": None,
        "year": year,
        "this_year": [],
        "announced": None,
    }
    form = approve(people, django_capture_on_commit_callbacks, level="orange", message="橙色预警：请减少户外活动。")
    warning = form.warning
    cached = cache.get(public.PUBLIC_CACHE_KEY)
    assert cached is not None and cached == public.public_warning_payload()
    assert cached["level"] == "orange" and cached["response_level"] == "II"
    assert cached["number"] == warning.number and cached["message"] == "橙色预警：请减少户外活动。"
    # Signed 2 h ahead (§12): in force, and so "since", from its effective start, not its signature.
    assert cached["since"] == timezone.localtime(form.effective_at).isoformat()
    assert cached["since"].endswith("+08:00")
    assert cached["measures"][0].startswith("提醒儿童、老年人和呼吸道、心脑血管病")
    assert len(cached["measures"]) == 5
    assert cached["health_advice"] == category_for(280, "2026" if timezone.now().year >= 2026 else "2012").advice
    assert cached["cap"] == f"https://aqi.example.test/warnings/cap/{form.pk}.xml"

    assert cached["until"] == timezone.localtime(form.episode_end).isoformat()
    assert [m["kind"] for m in cached["must_do"]] == ["traffic", "fireworks", "schools", "events"]
    assert cached["health"][0].startswith("提醒儿童、老年人") and len(cached["should_do"]) == 3
    assert [row["number"] for row in cached["this_year"]] == [warning.number]

    lift = approve(people, django_capture_on_commit_callbacks, action="lift", level=None)
    after = cache.get(public.PUBLIC_CACHE_KEY)
    assert after["level"] == "none" and set(after) == {"level", "air", "year", "this_year", "announced"}
    lifted = Warning.objects.get(pk=warning.pk)
    assert after["this_year"] == [
        {
            "number": warning.number,
            "level": "orange",
            "level_name": "橙色预警",
            "levels": ["orange"],
            "status": "lifted",
            "from": timezone.localtime(form.effective_at).isoformat(),  # in force from its effective start (§12)
            "to": timezone.localtime(lifted.lifted_at).isoformat(),
        }
    ]
    assert lift.warning_id == warning.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("response_level", "truck_colour", "health_first"),
    [
        ("III", "黄色", "提醒儿童、老年人和呼吸道、心脑血管病及其他慢性病患者尽量留在室内，避免户外活动"),
        ("II", "橙色", "提醒儿童、老年人和呼吸道、心脑血管病及其他慢性病患者尽量留在室内，避免户外活动"),
        ("I", "红色", "提醒儿童、老年人和呼吸道、心脑血管病及其他慢性病患者尽量留在室内，不要外出"),
    ],
)
def test_public_items_of_each_level_come_from_the_plan(plan, response_level, truck_colour, health_first):
    items = public.public_items(response_level)
    assert items["health"][0].startswith(health_first)
    assert not any("医疗卫生机构" in text or "中小学" in text for text in items["health"])
    kinds = [m["kind"] for m in items["must_do"]]
    # Ⅲ级 has no ban on large events (§5.3.1); Ⅱ级 and Ⅰ级 do.
    assert kinds == (
        ["traffic", "fireworks", "schools"]
        if response_level == "III"
        else ["traffic", "fireworks", "schools", "events"]
    )
    traffic = items["must_do"][0]["text"]
    assert "国四及以下重型载货车辆" in traffic and truck_colour not in traffic  # the road restriction, not bulk freight
    assert items["must_do"][1]["title"] == "禁放烟花爆竹" and "禁放烟花爆竹" in items["must_do"][1]["text"]
    assert items["should_do"] and all(text.startswith("倡导公众") for text in items["should_do"])
    assert public.public_items("") == {"health": [], "must_do": [], "should_do": []}


@pytest.mark.django_db
def test_public_items_follow_the_measures_registry(plan):
    """The office may correct a measure in the registry (measures app); the public page says what the
    registry says, and nothing else: the registry is the one source of the §5.3 texts."""
    from measures.models import ResponseMeasure

    fireworks = ResponseMeasure.objects.get(level="II", category="fireworks")
    fireworks.text = "市域范围内全时段禁放烟花爆竹（更正稿）。"
    fireworks.save(update_fields=["text"])
    assert public.public_items("II")["must_do"][1]["text"] == "市域范围内全时段禁放烟花爆竹（更正稿）。"

    # The registry is the one source (§5.3 from measures alone): without it, nothing is made up.
    ResponseMeasure.objects.all().delete()
    assert public.public_items("II") == {"health": [], "must_do": [], "should_do": []}


@pytest.mark.django_db
def test_yellow_needs_no_duty_and_red_needs_both_heads(
    people, contacts, recording, eager, django_capture_on_commit_callbacks
):
    yellow = approve(people, django_capture_on_commit_callbacks, level="yellow")
    assert DutyConfirmation.objects.filter(form=yellow).count() == 0
    assert not Delivery.objects.filter(key=f"duty:{yellow.pk}").exists()

    red = approve(people, django_capture_on_commit_callbacks, action="upgrade", level="red", signer="commander")
    duty = DutyConfirmation.objects.filter(form=red)
    assert duty.count() == 2 * COUNTY_UNITS
    assert set(duty.values_list("role", flat=True)) == {"government", "party"}
    assert duty.get(unit__slug="pingding", role="party").contact_name == "平定书记"
    assert sorted(Delivery.objects.filter(key=f"duty:{red.pk}").values_list("phone", flat=True)) == [
        "13700000003",
        "13700000004",
        "13700000005",
    ]

    lift = approve(
        people,
        django_capture_on_commit_callbacks,
        action="lift",
        level=None,
        signer="commander",
        message="阳泉市解除重污染天气红色预警。",
    )
    assert DutyConfirmation.objects.filter(form=lift).count() == 0
    lift_sms = Delivery.objects.filter(key=f"warning:{lift.pk}")
    assert lift_sms.count() == 7 and all("阳泉市解除重污染天气红色预警。" in d.text for d in lift_sms)


@pytest.mark.django_db
def test_county_confirms_its_own_duty_and_the_office_sees_who_has_not(
    people, contacts, recording, eager, client, django_capture_on_commit_callbacks
):
    form = approve(people, django_capture_on_commit_callbacks, level="orange")
    pingding_user = people["county"]  # of 平定县; people["county2"] is of 盂县
    mine = DutyConfirmation.objects.get(form=form, unit__slug="pingding")
    theirs = DutyConfirmation.objects.get(form=form, unit__slug="yuxian")

    client.force_login(pingding_user)
    page = client.get("/warnings/duty/")
    assert page.status_code == 200 and [c.pk for c in page.context["rows"]] == [mine.pk]
    response = client.post("/warnings/duty/", {"confirmation": theirs.pk}, follow=True)
    assert "只能确认本县区的在岗情况" in response.content.decode()
    response = client.post("/warnings/duty/", {"confirmation": mine.pk, "note": "县长在指挥部"}, follow=True)
    assert "已确认" in response.content.decode()
    mine.refresh_from_db()
    assert mine.confirmed_by == pingding_user and mine.confirmed_at is not None and mine.note == "县长在指挥部"
    assert AuditEntry.objects.filter(action="alerts.duty.confirmed", actor=pingding_user).exists()

    client.force_login(people["office"])
    office_page = client.get("/warnings/duty/")
    assert len(office_page.context["rows"]) == COUNTY_UNITS
    assert len(office_page.context["pending"]) == COUNTY_UNITS - 1
    assert client.post("/warnings/duty/", {"confirmation": theirs.pk}).status_code == 403  # only counties confirm

    client.force_login(people["jiaotong"])
    assert client.get("/warnings/duty/").status_code == 403


@pytest.mark.django_db
def test_written_report_is_printable_and_marked_sent_by_the_office(
    people, recording, eager, client, django_capture_on_commit_callbacks
):
    form = approve(people, django_capture_on_commit_callbacks, level="orange")
    url = f"/warnings/{form.warning_id}/report/"
    client.force_login(people["jiaotong"])
    assert client.get(url).status_code == 403
    client.force_login(people["vice"])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert (
        "关于启动重污染天气应急响应情况的报告" in body
        and "阳泉市人民政府" in body
        and "山西省重污染天气应急指挥部办公室" in body
    )
    assert "PM2.5" in body and "210～280" in body and "工业企业减排措施" in body
    assert "已报送" not in body.split("<form")[-1] or 'name="note"' not in body  # leaders read, the office marks
    assert client.post(url, {"note": "阳应急办〔2026〕1号"}).status_code == 403

    client.force_login(people["office"])
    response = client.post(url, {"note": "阳应急办〔2026〕1号"}, follow=True)
    assert "书面报告已报送" in response.content.decode()
    deadline = Deadline.objects.get(key=f"report:form:{form.pk}")
    assert deadline.met_at is not None
    entry = AuditEntry.objects.get(action="alerts.report.submitted")
    assert entry.actor == people["office"] and entry.data["note"] == "阳应急办〔2026〕1号"
    again = client.post(url, {"note": "again"}, follow=True)
    assert "没有待报送的书面报告" in again.content.decode()


@pytest.mark.django_db
def test_publish_ignores_a_form_that_is_not_approved(people, recording, eager):
    form = form_draft(
        actor=people["office"],
        action="issue",
        level="yellow",
        basis="依据",
        content="内容",
        effective_at=timezone.now(),
        **warning_content(),
    )
    assert services.publish_form({"form_id": form.pk}) is None
    assert recording.sent == [] and not Notification.objects.filter(kind="alerts.warning.published").exists()


@pytest.mark.django_db
def test_the_sms_states_what_the_warning_says(people, contacts, recording, eager, django_capture_on_commit_callbacks):
    """warning-rules.md §11: level, response level and its time, areas, period, AQI range, degree and
    primary pollutant, to units and subscribers — whether the office kept the drafted public text
    (sent once, not twice) or wrote its own (sent after the facts)."""
    from alerts.drafting import form_content, form_texts

    start = timezone.now() + dt.timedelta(hours=3)
    form = form_draft(
        actor=people["office"],
        action="issue",
        level="orange",
        basis="依据",
        content="内容",
        effective_at=start,
        **warning_content(
            affected_areas=["140300", "140321"], pollution_start=start, pollution_end=start + dt.timedelta(hours=60)
        ),
    )
    _, drafted = form_texts(form, form_content(form))
    ApprovalForm.objects.filter(pk=form.pk).update(public_message=drafted)
    form_submit(actor=people["office"], form_id=form.pk)
    with django_capture_on_commit_callbacks(execute=True):
        form_approve(actor=people["vice"], form_id=form.pk, password=PASSWORD)
    rows = Delivery.objects.filter(key=f"warning:{form.pk}")
    local = timezone.localtime(start)
    for text in (rows.get(phone="13700000002").text, rows.get(phone="13600000001").text):
        assert text.startswith("【阳泉重污染应急】阳泉市重污染天气应急指挥部发布重污染天气橙色预警，")
        assert f"将于{local:%Y年%m月%d日%H时}起启动Ⅱ级响应" in text  # signed ahead (§12)
        assert "影响区域：阳泉市、平定县" in text and f"重污染天气发生时间：{local:%Y年%m月%d日%H时}至" in text
        assert "污染程度：轻度至重度污染，首要污染物：PM10，AQI 150～240。" in text
        assert text.count("影响区域") == 1  # the drafted public text is these facts: not repeated
    assert "退订" in rows.get(phone="13600000001").text
    warning_bring_into_force(form_id=form.pk, now=start)  # its time comes before the next decision

    # The office's own text follows the facts.
    custom = approve(
        people,
        django_capture_on_commit_callbacks,
        action="upgrade",
        level="red",
        signer="commander",
        message="请市民减少外出。",
    )
    text = Delivery.objects.filter(key=f"warning:{custom.pk}").get(phone="13700000002").text
    assert "将预警升级为重污染天气红色预警" in text and "Ⅰ级响应" in text and text.endswith("请市民减少外出。")
    assert "首要污染物：PM2.5，AQI 210～280" in text and "影响区域：阳泉市" in text
