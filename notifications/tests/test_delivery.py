"""Delivery rows (one per subject, recipient and channel), sending under the row lock, the city-wide
rate, the office's deliveries page and the citizens' subscription page."""

from __future__ import annotations

import re
import time
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEntry
from notifications.delivery import (
    delivery_send,
    sms_to_numbers,
    sms_to_users,
    subscriber_request,
)
from notifications.models import Delivery, SmsSubscriber
from notifications.phones import normalise_phone
from notifications.tests.test_transports import RECORDING, RecordingTransport
from notifications.transports import SendResult


@pytest.fixture
def recording(settings):
    settings.SMS_BACKEND = RECORDING
    settings.SMS_RATE_PER_SECOND = 1000
    RecordingTransport.reset()
    yield RecordingTransport
    RecordingTransport.reset()


def fresh_phone() -> str:
    """A number no earlier run used: the per-number code limit lives in the shared cache for an hour."""
    return f"139{uuid.uuid4().int % 10**8:08d}"


def address() -> str:
    """A fresh client address per test, so the per-address limit of one test does not touch another."""
    return f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"  # documentation range, never contacted


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("13800000001", "13800000001"),
        ("138 0000-0001", "13800000001"),
        ("+8613800000001", "13800000001"),
        ("008613800000001", "13800000001"),
        ("12800000001", None),
        ("1380000000", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_phone(raw, phone):
    assert normalise_phone(raw) == phone


@pytest.mark.django_db
def test_rows_are_created_once_per_key_recipient_and_channel(
    recording, eager, make_user, django_capture_on_commit_callbacks
):
    alice = make_user(Role.VICE_COMMANDER, mobile="13900000001", last_name="甲")
    nobody = make_user(Role.VICE_COMMANDER, mobile="", last_name="乙")
    with django_capture_on_commit_callbacks(execute=True):
        assert sms_to_users([alice, nobody], text="【测试】请审批", key="form-submitted:1") == 2
        assert (
            sms_to_numbers(
                [("丙", "13900000002"), ("丙（重复）", "139-0000-0002"), ("丁", "12345")],
                text="【测试】预警",
                key="warning:1",
            )
            == 2
        )
    with django_capture_on_commit_callbacks(execute=True):  # the retried handler
        assert sms_to_users([alice, nobody], text="【测试】请审批", key="form-submitted:1") == 0
        assert sms_to_numbers([("丙", "13900000002"), ("丁", "12345")], text="【测试】预警", key="warning:1") == 0
    assert sorted(m.to for m in recording.sent) == ["13900000001", "13900000002"]
    rows = {d.recipient_key: d for d in Delivery.objects.all()}
    assert rows[f"user:{alice.pk}"].status == "sent" and rows[f"user:{alice.pk}"].provider_id.startswith("rec-")
    assert (
        rows[f"user:{nobody.pk}"].status == "failed" and rows[f"user:{nobody.pk}"].last_error == "未登记有效的手机号码"
    )
    assert rows["phone:12345"].status == "failed" and not rows["phone:12345"].retryable
    # Another subject may reach the same number again.
    with django_capture_on_commit_callbacks(execute=True):
        assert sms_to_numbers([("丙", "13900000002")], text="【测试】解除", key="warning:2") == 1
    assert len(recording.sent) == 3


@pytest.mark.django_db
def test_a_sent_row_is_never_sent_again(recording, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sms_to_numbers([("甲", "13900000003")], text="【测试】预警", key="warning:3")
    delivery = Delivery.objects.get(key="warning:3")
    from notifications.tasks import send_delivery

    assert send_delivery.delay(delivery.pk).get() == "skipped"
    assert delivery_send(delivery_id=delivery.pk) == "skipped"
    assert len(recording.sent) == 1


@pytest.mark.django_db
def test_a_broken_transport_is_recorded_as_a_retryable_failure(recording, eager, django_capture_on_commit_callbacks):
    class Boom(Exception):
        pass

    def explode(self, message):
        raise Boom("网关库崩溃")

    original = RecordingTransport.send
    RecordingTransport.send = explode
    try:
        with django_capture_on_commit_callbacks(execute=True):
            sms_to_numbers([("甲", "13900000004")], text="【测试】预警", key="warning:4")
    finally:
        RecordingTransport.send = original
    delivery = Delivery.objects.get(key="warning:4")
    assert (delivery.status, delivery.retryable) == ("failed", True)
    assert "网关库崩溃" in delivery.last_error


@pytest.mark.django_db
def test_the_send_rate_is_shared_and_limited(recording, eager, settings, django_capture_on_commit_callbacks):
    settings.SMS_RATE_PER_SECOND = 3
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        sms_to_numbers([(f"人{i}", f"1390000010{i}") for i in range(7)], text="【测试】预警", key="warning:rate")
    elapsed = time.monotonic() - started
    assert len(recording.sent) == 7
    assert elapsed >= 1.0  # 7 messages at 3 a second cross at least two second boundaries
    assert Delivery.objects.filter(key="warning:rate", status="sent").count() == 7


# ----------------------------------------------------------------------------- the office's page


@pytest.mark.django_db
def test_deliveries_page_is_for_the_office_and_admin_only(client, make_user):
    for role in (Role.UNIT, Role.COUNTY, Role.VICE_COMMANDER, Role.FORECASTER):
        client.force_login(make_user(role))
        assert client.get("/warnings/deliveries/").status_code == 403
        assert client.post("/warnings/deliveries/").status_code == 403
    client.logout()
    assert client.get("/warnings/deliveries/").status_code == 302


@pytest.mark.django_db
def test_office_sees_failures_first_and_retries_them(
    recording, eager, client, make_user, django_capture_on_commit_callbacks
):
    office = make_user(Role.OFFICE)
    recording.answers.extend(
        [SendResult(ok=True, provider_id="p1"), SendResult(ok=False, error="网关拒绝：号码停机", retryable=False)]
    )
    with django_capture_on_commit_callbacks(execute=True):
        sms_to_numbers([("成功", "13900000201"), ("失败", "13900000202")], text="【测试】预警", key="warning:page")
    client.force_login(office)
    page = client.get("/warnings/deliveries/")
    assert page.status_code == 200
    rows = list(page.context["deliveries"])
    assert [r.status for r in rows][:2] == ["failed", "sent"]
    body = page.content.decode()
    assert "网关拒绝：号码停机" in body and "139****0202" in body and "13900000202" not in body

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/warnings/deliveries/", {"key": "warning:page"}, follow=True)
    assert "已重新排队 1 条" in body_of(response)
    assert Delivery.objects.get(phone="13900000202").status == "sent"
    assert [m.to for m in recording.sent] == ["13900000201", "13900000202", "13900000202"]
    assert AuditEntry.objects.filter(action="notifications.delivery.retried", actor=office).exists()


def body_of(response) -> str:
    return response.content.decode()


# ----------------------------------------------------------------------------- subscriptions (public)


def spaced(phone: str) -> str:
    return f"{phone[:3]} {phone[3:7]} {phone[7:]}"


def code_in(text: str) -> str:
    return re.search(r"验证码 (\d{6})", text).group(1)


@pytest.mark.django_db
def test_citizen_subscribes_with_a_code_and_unsubscribes(recording, eager, client, django_capture_on_commit_callbacks):
    phone_301 = fresh_phone()
    ip = address()
    page = client.get("/warnings/subscribe/")
    assert page.status_code == 200 and "订阅重污染天气预警短信" in body_of(page)

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post("/warnings/subscribe/", {"action": "subscribe", "phone": spaced(phone_301)}, REMOTE_ADDR=ip)
    assert asked.status_code == 200 and "验证码已发送" in body_of(asked)
    [sms] = recording.sent
    assert sms.to == phone_301
    assert not SmsSubscriber.objects.get(phone=phone_301).active

    wrong = client.post(
        "/warnings/subscribe/", {"action": "confirm", "phone": phone_301, "code": "000000"}, REMOTE_ADDR=ip
    )
    assert wrong.status_code == 400 and "验证码不正确或已过期" in body_of(wrong)
    done = client.post(
        "/warnings/subscribe/", {"action": "confirm", "phone": phone_301, "code": code_in(sms.text)}, REMOTE_ADDR=ip
    )
    assert done.status_code == 200 and "订阅成功" in body_of(done)
    subscriber = SmsSubscriber.objects.get(phone=phone_301)
    assert subscriber.active and subscriber.confirmed_at is not None and subscriber.code_hash == ""
    # A code is good once.
    again = client.post(
        "/warnings/subscribe/", {"action": "confirm", "phone": phone_301, "code": code_in(sms.text)}, REMOTE_ADDR=ip
    )
    assert again.status_code == 400

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/warnings/subscribe/", {"action": "unsubscribe", "phone": phone_301}, REMOTE_ADDR=ip)
    code = code_in(recording.sent[-1].text)
    assert "退订" in recording.sent[-1].text
    out = client.post("/warnings/subscribe/", {"action": "confirm", "phone": phone_301, "code": code}, REMOTE_ADDR=ip)
    assert "已退订" in body_of(out)
    subscriber.refresh_from_db()
    assert not subscriber.active and subscriber.unsubscribed_at is not None
    assert AuditEntry.objects.filter(action="notifications.subscriber.unsubscribed").exists()


@pytest.mark.django_db
def test_a_code_sent_is_audited_without_the_number_or_the_code(recording, eager, django_capture_on_commit_callbacks):
    phone = fresh_phone()
    with django_capture_on_commit_callbacks(execute=True):
        subscriber_request(phone=phone, action="subscribe")
        subscriber_request(phone=fresh_phone(), action="unsubscribe")  # not subscribed: nothing sent, nothing recorded
    subscriber = SmsSubscriber.objects.get(phone=phone)
    [entry] = AuditEntry.objects.filter(action="notifications.subscriber.code_sent")
    assert (entry.actor, entry.target_id) == (None, str(subscriber.pk))
    assert entry.data == {"request": "subscribe", "codes_sent": 1}
    [sms] = recording.sent
    stored = f"{entry.before} {entry.after} {entry.data} {entry.target_repr}"
    assert phone not in stored and code_in(sms.text) not in stored


@pytest.mark.django_db
def test_answers_do_not_reveal_whether_a_number_is_subscribed(
    recording, eager, client, django_capture_on_commit_callbacks
):
    phone_401 = fresh_phone()
    phone_402 = fresh_phone()
    phone_403 = fresh_phone()
    SmsSubscriber.objects.create(phone=phone_401, confirmed=True)
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for action, phone in [
            ("unsubscribe", phone_401),
            ("unsubscribe", phone_402),
            ("subscribe", phone_401),
            ("subscribe", phone_403),
        ]:
            response = client.post("/warnings/subscribe/", {"action": action, "phone": phone}, REMOTE_ADDR=address())
            answers.append((response.status_code, response.context["notice"]))
    assert len(set(answers)) == 1
    # The number that is not subscribed gets no unsubscribe code (and no row is created for it).
    assert phone_402 not in [m.to for m in recording.sent]
    assert not SmsSubscriber.objects.filter(phone=phone_402).exists()


@pytest.mark.django_db
def test_too_many_wrong_codes_lock_the_code(recording, eager, client, django_capture_on_commit_callbacks):
    phone_501 = fresh_phone()
    ip = address()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/warnings/subscribe/", {"action": "subscribe", "phone": phone_501}, REMOTE_ADDR=ip)
    good = code_in(recording.sent[0].text)
    bad = "111111" if good != "111111" else "222222"
    for _ in range(5):
        client.post(
            "/warnings/subscribe/", {"action": "confirm", "phone": phone_501, "code": bad}, REMOTE_ADDR=address()
        )
    locked = client.post(
        "/warnings/subscribe/", {"action": "confirm", "phone": phone_501, "code": good}, REMOTE_ADDR=address()
    )
    assert locked.status_code == 400
    assert not SmsSubscriber.objects.get(phone=phone_501).active


@pytest.mark.django_db
def test_posts_are_limited_per_address_and_codes_per_number(
    recording, eager, client, django_capture_on_commit_callbacks
):
    phone_601 = fresh_phone()
    ip = address()
    cache.delete(f"sms:sub:addr:{ip}")
    statuses = []
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(11):
            statuses.append(
                client.post(
                    "/warnings/subscribe/", {"action": "subscribe", "phone": phone_601}, REMOTE_ADDR=ip
                ).status_code
            )
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    # The number itself got at most three codes in the hour, however many addresses asked.
    assert len([m for m in recording.sent if m.to == phone_601]) == 3


@pytest.mark.django_db
def test_invalid_number_is_refused_without_sending(recording, client):
    response = client.post("/warnings/subscribe/", {"action": "subscribe", "phone": "12345"}, REMOTE_ADDR=address())
    assert response.status_code == 400 and "11 位手机号码" in body_of(response)
    assert recording.sent == []
    assert reverse("notifications:subscribe") == "/warnings/subscribe/"


# ----------------------------------------------------------------------------- contacts in the admin


@pytest.mark.django_db
def test_admin_keeps_unit_contacts_with_normalised_numbers(client, make_user):
    from command.models import MemberUnit
    from notifications.models import UnitContact

    admin = make_user(Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    for path in ("unitcontact", "smssubscriber", "delivery"):
        assert client.get(f"/admin/notifications/{path}/").status_code == 200
    pingding, jiaotong = MemberUnit.objects.get(slug="pingding"), MemberUnit.objects.get(slug="jiaotong")
    added = client.post(
        "/admin/notifications/unitcontact/add/",
        {
            "unit": pingding.pk,
            "name": "平定县长",
            "position": "县长",
            "mobile": "+86 137-0000-0009",
            "duty_role": "head",
            "is_government_head": "on",
            "active": "on",
        },
    )
    assert added.status_code == 302, added.content.decode()[:3000]
    contact = UnitContact.objects.get(name="平定县长")
    assert contact.mobile == "13700000009" and contact.is_government_head

    refused = client.post(
        "/admin/notifications/unitcontact/add/",
        {
            "unit": jiaotong.pk,
            "name": "交通局长",
            "mobile": "13700000010",
            "duty_role": "head",
            "is_party_secretary": "on",
            "active": "on",
        },
    )
    assert refused.status_code == 200 and "只有县区政府及开发区的联系人" in refused.content.decode()
    bad_number = client.post(
        "/admin/notifications/unitcontact/add/",
        {
            "unit": jiaotong.pk,
            "name": "联络员",
            "mobile": "12345",
            "duty_role": "liaison",
            "active": "on",
        },
    )
    assert "请填写 11 位手机号码" in bad_number.content.decode()
    assert client.get("/admin/notifications/delivery/add/").status_code == 403
