"""The channels of a publication (plan §4.2.4; warning-rules.md §9, §11): every channel recorded per
published form, the system's own done by the publication, the external ones confirmed by the
office (page and API, audited), the operators' free public SMS ordered to the three operators and
confirmed by their users; the 2-hour publication clock met only by the last channel done."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from alerts.models import ApprovalForm
from alerts.services import form_approve, form_draft, form_submit
from audit.models import AuditEntry
from deadlines import keys as deadline_keys
from deadlines.models import Deadline
from notifications.models import Notification
from publication import channels
from publication.models import ChannelDelivery
from publication.tests.test_services import PASSWORD, contacts, recording  # noqa: F401 - fixtures
from response.models import Order
from response.services import order_confirm_in_place
from tests.factories import warning_content

pytestmark = pytest.mark.usefixtures("contacts", "recording", "eager")
OFFICE_CHANNELS = [c.code for c in channels.CHANNELS if c.by == channels.OFFICE]
OPERATORS = ("yidong", "liantong", "dianxin")


def approve(people, capture, *, action="issue", level="orange", signer="vice") -> ApprovalForm:
    """Draft, submit and sign a decision in force from its signature (no effective start ahead)."""
    start = timezone.now()
    form = form_draft(
        actor=people["office"],
        action=action,
        level=level,
        basis="会商认为未来 72 小时 AQI 持续大于 200",
        content="一、气象条件不利……",
        effective_at=start,
        episode_end=start + dt.timedelta(days=3),
        **warning_content(action, primary_pollutant="PM2.5", aqi_low=210, aqi_high=280, degree=""),
    )
    form_submit(actor=people["office"], form_id=form.pk)
    with capture(execute=True):
        form_approve(actor=people[signer], form_id=form.pk, password=PASSWORD)
    form.refresh_from_db()
    assert form.status == ApprovalForm.Status.APPROVED
    return form


class _Api:
    def __init__(self, client, user):
        client.force_login(user)
        self.client = client

    def get(self, url):
        return self.client.get(url)

    def post(self, url, data, format="json"):  # noqa: A002 - as DRF's APIClient
        return self.client.post(url, data, content_type="application/json")


@pytest.fixture
def api_client_for(client):
    return lambda user: _Api(client, user)


@pytest.fixture
def people_cast():
    return ("office", "vice", "commander", "jiaotong", "county", *OPERATORS)


def _publish_clock(form):
    return Deadline.objects.get(key=deadline_keys.publish(form.pk))


def _confirm_operators(people, form, *, now=None):
    for slug in OPERATORS:
        order = Order.objects.get(form=form, kind=Order.Kind.PUBLIC_SMS, unit__slug=slug)
        order_confirm_in_place(actor=people[slug], order_id=order.pk, note="已向全网用户发送", now=now)


def _confirm_office(people, form, *, now=None):
    for code in OFFICE_CHANNELS:
        channels.channel_confirm(actor=people["office"], form_id=form.pk, channel=code, now=now)


@pytest.mark.django_db
def test_publication_records_every_channel_and_marks_the_systems_done(people, django_capture_on_commit_callbacks):
    form = approve(people, django_capture_on_commit_callbacks)
    rows = {r.channel: r for r in ChannelDelivery.objects.filter(form=form)}
    assert set(rows) == {c.code for c in channels.CHANNELS}
    for code in ("public_page", "cap_feed", "sms", "in_app"):
        assert rows[code].done and rows[code].confirmed_at is not None and rows[code].confirmed_by is None
    assert "7 条" in rows["sms"].note
    for code in OFFICE_CHANNELS + [f"sms_{s}" for s in OPERATORS]:
        assert rows[code].status == ChannelDelivery.Status.PENDING
    # The system's SMS queued no longer meets the clock: it stays open (the deadlines page shows it so).
    assert _publish_clock(form).met_at is None
    # A retried publication changes nothing.
    first_times = {r.channel: r.confirmed_at for r in rows.values()}
    with django_capture_on_commit_callbacks(execute=True):
        from publication.services import publish_form

        again = publish_form({"form_id": form.pk})
    assert again.first_time is False
    assert {r.channel: r.confirmed_at for r in ChannelDelivery.objects.filter(form=form)} == first_times


@pytest.mark.django_db
def test_operators_are_ordered_to_send_the_public_sms(people, django_capture_on_commit_callbacks):
    form = approve(people, django_capture_on_commit_callbacks)
    orders = Order.objects.filter(form=form, kind=Order.Kind.PUBLIC_SMS).select_related("unit")
    assert sorted(o.unit.slug for o in orders) == sorted(OPERATORS)
    order = orders.get(unit__slug="yidong")
    assert "免费发送" in order.preamble and "4.2.4" in order.preamble
    assert order.measures[0]["text"].startswith("【阳泉重污染应急】")  # the text the public receives
    # Each channel row points at its order; the operator's people are told.
    assert ChannelDelivery.objects.get(form=form, channel="sms_yidong").order_id == order.pk
    assert Notification.objects.filter(recipient=people["yidong"], target_id=str(order.pk)).exists()
    # The measures orders are one per unit as before: the operators have both kinds.
    assert Order.objects.filter(form=form, kind=Order.Kind.MEASURES, unit__slug="yidong").count() == 1


@pytest.mark.django_db
def test_operator_confirmation_marks_its_channel_done_by_that_person(people, django_capture_on_commit_callbacks):
    form = approve(people, django_capture_on_commit_callbacks)
    order = Order.objects.get(form=form, kind=Order.Kind.PUBLIC_SMS, unit__slug="liantong")
    at = timezone.now() + dt.timedelta(minutes=20)
    order_confirm_in_place(actor=people["liantong"], order_id=order.pk, note="已发送 120 万条", now=at)
    row = ChannelDelivery.objects.get(form=form, channel="sms_liantong")
    assert row.done and row.confirmed_by == people["liantong"] and row.confirmed_at == at
    assert row.note == "已发送 120 万条"
    assert AuditEntry.objects.filter(action="publication.channel.confirmed", actor=people["liantong"]).count() == 1


@pytest.mark.django_db
def test_office_cannot_confirm_system_or_operator_channels(people, django_capture_on_commit_callbacks):
    form = approve(people, django_capture_on_commit_callbacks)
    for code in ("sms", "sms_yidong", "nonsense"):
        with pytest.raises(channels.ChannelError):
            channels.channel_confirm(actor=people["office"], form_id=form.pk, channel=code)
    with pytest.raises(channels.ChannelError):
        channels.channel_confirm(actor=people["jiaotong"], form_id=form.pk, channel="weibo")
    channels.channel_confirm(actor=people["office"], form_id=form.pk, channel="weibo", note="已发布微博")
    with pytest.raises(channels.ChannelError, match="已确认"):
        channels.channel_confirm(actor=people["office"], form_id=form.pk, channel="weibo")
    entry = AuditEntry.objects.get(action="publication.channel.confirmed", actor=people["office"])
    assert entry.data["channel"] == "weibo" and entry.data["note"] == "已发布微博"


@pytest.mark.django_db
def test_publication_clock_is_met_by_the_last_channel_done(people, django_capture_on_commit_callbacks):
    signed = timezone.now()
    with time_machine.travel(signed, tick=False):
        form = approve(people, django_capture_on_commit_callbacks)
    clock = _publish_clock(form)
    assert clock.due_at == clock.started_at + dt.timedelta(hours=2)
    _confirm_operators(people, form, now=signed + dt.timedelta(minutes=30))
    assert _publish_clock(form).met_at is None
    # The office confirms all but one: still open.
    for code in OFFICE_CHANNELS[:-1]:
        channels.channel_confirm(
            actor=people["office"], form_id=form.pk, channel=code, now=signed + dt.timedelta(minutes=50)
        )
    assert _publish_clock(form).met_at is None
    last = signed + dt.timedelta(minutes=95)
    channels.channel_confirm(actor=people["office"], form_id=form.pk, channel=OFFICE_CHANNELS[-1], now=last)
    assert _publish_clock(form).met_at == last


@pytest.mark.django_db
def test_an_operator_confirming_last_meets_the_clock(people, django_capture_on_commit_callbacks):
    form = approve(people, django_capture_on_commit_callbacks)
    _confirm_office(people, form)
    for slug in OPERATORS[:-1]:
        order = Order.objects.get(form=form, kind=Order.Kind.PUBLIC_SMS, unit__slug=slug)
        order_confirm_in_place(actor=people[slug], order_id=order.pk, note="已发送")
    assert _publish_clock(form).met_at is None
    at = timezone.now() + dt.timedelta(hours=3)  # late: met, after its due time
    order = Order.objects.get(form=form, kind=Order.Kind.PUBLIC_SMS, unit__slug=OPERATORS[-1])
    order_confirm_in_place(actor=people[OPERATORS[-1]], order_id=order.pk, note="已发送", now=at)
    clock = _publish_clock(form)
    assert clock.met_at == at and clock.met_at > clock.due_at


@pytest.mark.django_db
def test_a_later_decision_does_not_close_the_operators_sms_orders(people, django_capture_on_commit_callbacks):
    issue = approve(people, django_capture_on_commit_callbacks, level="orange")
    approve(people, django_capture_on_commit_callbacks, action="upgrade", level="red", signer="commander")
    sms = Order.objects.filter(form=issue, kind=Order.Kind.PUBLIC_SMS)
    assert set(sms.values_list("status", flat=True)) == {Order.Status.ISSUED}
    assert set(Order.objects.filter(form=issue, kind=Order.Kind.MEASURES).values_list("status", flat=True)) == {
        Order.Status.SUPERSEDED
    }


# ----------------------------------------------------------------------------- the page and the API


@pytest.mark.django_db
def test_channels_page_lists_every_channel_and_the_office_confirms(client, people, django_capture_on_commit_callbacks):
    form = approve(people, django_capture_on_commit_callbacks)
    url = reverse("publication:channels", args=[form.pk])
    client.force_login(people["office"])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for c in channels.CHANNELS:
        assert c.name in html
    assert html.count('name="channel"') == len(OFFICE_CHANNELS)
    response = client.post(url, {"channel": "wechat", "note": "公众号已推送"})
    assert response.status_code == 302
    row = ChannelDelivery.objects.get(form=form, channel="wechat")
    assert row.done and row.confirmed_by == people["office"] and row.note == "公众号已推送"
    assert "公众号已推送" in client.get(url).content.decode()


@pytest.mark.django_db
def test_leaders_read_the_channels_page_but_cannot_confirm(client, people, django_capture_on_commit_callbacks):
    form = approve(people, django_capture_on_commit_callbacks)
    url = reverse("publication:channels", args=[form.pk])
    client.force_login(people["vice"])
    page = client.get(url)
    assert page.status_code == 200 and 'name="channel"' not in page.content.decode()
    assert client.post(url, {"channel": "wechat"}).status_code == 403
    client.force_login(people["yidong"])
    assert client.get(url).status_code == 403
    assert not ChannelDelivery.objects.filter(form=form, channel="wechat", status="done").exists()


@pytest.mark.django_db
def test_api_lists_channels_and_confirms_them(api_client_for, people, django_capture_on_commit_callbacks):
    form = approve(people, django_capture_on_commit_callbacks)
    api = api_client_for(people["office"])
    base = f"/api/v1/publications/{form.pk}/channels/"
    body = api.get(base).json()
    assert body["form"] == form.pk and body["complete"] is False
    assert [c["channel"] for c in body["channels"]] == [c.code for c in channels.CHANNELS]
    by = {c["channel"]: c for c in body["channels"]}
    assert by["sms"]["status"] == "done" and by["sms"]["confirmed_by"] is None
    assert by["sms_dianxin"]["order"] is not None
    answer = api.post(f"{base}news_media/confirm/", {"note": "阳泉日报"}, format="json")
    assert answer.status_code == 200
    assert {c["channel"]: c for c in answer.json()["channels"]}["news_media"]["status"] == "done"
    assert api.post(f"{base}news_media/confirm/", {}, format="json").status_code == 409
    assert api.post(f"{base}sms/confirm/", {}, format="json").status_code in (400, 409)
    assert api.post(f"{base}bogus/confirm/", {}, format="json").status_code == 404
    assert api.get("/api/v1/publications/999999/channels/").status_code == 404


@pytest.mark.django_db
def test_api_confirm_is_refused_to_other_roles(api_client_for, people, django_capture_on_commit_callbacks):
    form = approve(people, django_capture_on_commit_callbacks)
    base = f"/api/v1/publications/{form.pk}/channels/"
    for name in ("vice", "yidong", "county"):
        assert api_client_for(people[name]).post(f"{base}weibo/confirm/", {}, format="json").status_code == 403
    assert api_client_for(people["vice"]).get(base).status_code == 200
    assert api_client_for(people["yidong"]).get(base).status_code == 403
    assert not ChannelDelivery.objects.filter(form=form, channel="weibo", status="done").exists()
