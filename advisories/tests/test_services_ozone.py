import pytest
import time_machine

from advisories import services
from advisories.models import OzoneOrder, OzonePrompt
from audit.models import AuditEntry
from core.models import OutboxEvent
from deadlines import keys
from deadlines.models import Deadline
from forecasts.models import Consultation
from forecasts.services import consultation_notify
from notifications.models import Notification

from .conftest import at

pytestmark = pytest.mark.django_db


def _ozone(make_evaluation, now, start, end, peak=230):
    return make_evaluation(now=now, ozone_windows=[(start, end, peak)])


def test_ozone_prompt_opens_an_ozone_consultation_and_notifies_office_and_forecasters(people, make_evaluation):
    evaluation = _ozone(make_evaluation, at(10, 8), at(11, 0), at(11, 23))
    prompt = services.ozone_prompt_from_evaluation(evaluation_id=evaluation.pk)
    assert prompt.status == OzonePrompt.Status.CONSULTING
    assert prompt.consultation.kind == Consultation.Kind.OZONE and prompt.consultation.evaluation == evaluation
    assert (prompt.period_start, prompt.period_end, prompt.peak_aqi) == (at(11, 0), at(11, 23), 230)
    event = OutboxEvent.objects.get(topic="forecasts.consultation.opened")
    assert event.payload == {"consultation_id": prompt.consultation.pk}
    consultation_notify(consultation_id=prompt.consultation.pk)
    told = set(
        Notification.objects.filter(kind="forecasts.consultation.ozone").values_list("recipient__username", flat=True)
    )
    assert told == {people["office"].username, people["forecaster"].username}
    assert AuditEntry.objects.filter(action="advisories.ozone.opened").count() == 1


def test_second_evaluation_of_the_same_episode_extends_and_opens_no_second_consultation(people, make_evaluation):
    first = services.ozone_prompt_from_evaluation(
        evaluation_id=_ozone(make_evaluation, at(10, 8), at(11, 0), at(11, 23)).pk
    )
    later = _ozone(make_evaluation, at(10, 14), at(11, 0), at(12, 23), peak=250)
    again = services.ozone_prompt_from_evaluation(evaluation_id=later.pk)
    assert again.pk == first.pk
    assert (again.period_end, again.peak_aqi, again.latest_evaluation_id) == (at(12, 23), 250, later.pk)
    assert Consultation.objects.filter(kind=Consultation.Kind.OZONE).count() == 1
    # the same event handed out twice changes nothing
    services.ozone_prompt_from_evaluation(evaluation_id=later.pk)
    assert OzonePrompt.objects.count() == 1


def test_an_ended_episode_is_not_reopened_by_the_same_forecast(people, make_evaluation):
    prompt = services.ozone_prompt_from_evaluation(
        evaluation_id=_ozone(make_evaluation, at(10, 8), at(11, 0), at(11, 23)).pk
    )
    services.ozone_prompt_end(actor=people["office"], prompt_id=prompt.pk, note="会商认为不发布")
    assert (
        services.ozone_prompt_from_evaluation(
            evaluation_id=_ozone(make_evaluation, at(10, 9), at(11, 0), at(11, 23)).pk
        )
        is None
    )
    later = services.ozone_prompt_from_evaluation(
        evaluation_id=_ozone(make_evaluation, at(20, 9), at(21, 0), at(21, 23)).pk
    )
    assert later is not None and later.pk != prompt.pk


def test_a_past_prompt_opens_nothing(people, make_evaluation):
    assert (
        services.ozone_prompt_from_evaluation(
            evaluation_id=_ozone(make_evaluation, at(12, 8), at(10, 0), at(10, 23)).pk
        )
        is None
    )
    assert not OzonePrompt.objects.exists()


@pytest.fixture
def prompt(people, make_evaluation):
    return services.ozone_prompt_from_evaluation(
        evaluation_id=_ozone(make_evaluation, at(10, 8), at(11, 0), at(11, 23)).pk
    )


def test_office_confirms_publishes_and_orders_the_5_3_4_measures_with_the_registry(people, prompt, registry):
    with time_machine.travel(at(10, 9), tick=False):
        confirmed = services.ozone_prompt_confirm(actor=people["office"], prompt_id=prompt.pk)
    assert confirmed.status == OzonePrompt.Status.IN_FORCE
    assert confirmed.confirmed_by == people["office"] and confirmed.confirmed_at == at(10, 9)
    assert "臭氧预警提示" in confirmed.text
    units = set(confirmed.orders.values_list("unit__slug", flat=True))
    # the industrial measures' units (附件2) and the supervising unit of a listed enterprise
    assert {"shengtai", "gongxin", "pingding", "yuxian"} <= units
    orders = {o.unit.slug: o for o in confirmed.orders.select_related("unit")}
    assert [e["name"] for e in orders["pingding"].enterprises] == ["平定示例焦化厂"]  # the small shop is not large
    assert [e["name"] for e in orders["gongxin"].enterprises] == ["盂县示例化工厂"]
    assert {e["name"] for e in orders["shengtai"].enterprises} == {"平定示例焦化厂", "盂县示例化工厂"}
    assert "5.3.4" in orders["shengtai"].preamble and orders["shengtai"].measures[0]["title"] == "臭氧污染减排措施"
    deadline = Deadline.objects.get(key=keys.ozone_order(orders["pingding"].pk))
    assert deadline.due_at == at(10, 11)
    entry = AuditEntry.objects.get(action="advisories.ozone.confirmed")
    assert entry.actor == people["office"] and entry.after == {"status": "in_force"}
    assert OutboxEvent.objects.filter(topic="advisories.ozone.published", payload={"prompt_id": prompt.pk}).exists()


def test_publication_notifies_every_unit_and_each_order(people, prompt, registry):
    services.ozone_prompt_confirm(actor=people["office"], prompt_id=prompt.pk)
    services.ozone_prompt_notify_published(prompt_id=prompt.pk)
    published = set(
        Notification.objects.filter(kind="advisories.ozone.published").values_list("recipient__username", flat=True)
    )
    assert {people["jiaotong"].username, people["county"].username} <= published
    ordered = set(
        Notification.objects.filter(kind="advisories.ozone.order").values_list("recipient__username", flat=True)
    )
    assert people["pingding"].username in ordered and people["jiaotong"].username not in ordered


@pytest.mark.parametrize("who", ["vice", "forecaster", "jiaotong", "county"])
def test_only_the_office_confirms(people, prompt, who):
    with pytest.raises(services.NotYourAdvisoryError):
        services.ozone_prompt_confirm(actor=people[who], prompt_id=prompt.pk)


def test_confirm_twice_is_refused(people, prompt, registry):
    services.ozone_prompt_confirm(actor=people["office"], prompt_id=prompt.pk)
    with pytest.raises(services.AdvisoryError):
        services.ozone_prompt_confirm(actor=people["office"], prompt_id=prompt.pk)


def test_unit_acknowledges_and_confirms_in_place_meeting_its_clock(people, prompt, registry):
    services.ozone_prompt_confirm(actor=people["office"], prompt_id=prompt.pk, now=at(10, 9))
    order = OzoneOrder.objects.get(prompt=prompt, unit__slug="pingding")
    with pytest.raises(services.NotYourAdvisoryError):
        services.ozone_order_acknowledge(actor=people["jiaotong"], order_id=order.pk)
    services.ozone_order_acknowledge(actor=people["pingding"], order_id=order.pk, now=at(10, 9, 30))
    with pytest.raises(services.AdvisoryError):
        services.ozone_order_confirm_in_place(actor=people["pingding"], order_id=order.pk, note=" ")
    done = services.ozone_order_confirm_in_place(
        actor=people["pingding"], order_id=order.pk, note="焦化厂已限产", now=at(10, 10)
    )
    assert done.status == OzoneOrder.Status.IN_PLACE
    assert Deadline.objects.get(key=keys.ozone_order(order.pk)).met_at == at(10, 10)


def test_office_ends_the_prompt_and_its_orders_close(people, prompt, registry):
    services.ozone_prompt_confirm(actor=people["office"], prompt_id=prompt.pk, now=at(10, 9))
    ended = services.ozone_prompt_end(actor=people["office"], prompt_id=prompt.pk, note="臭氧浓度下降", now=at(12, 9))
    assert ended.status == OzonePrompt.Status.ENDED and ended.open_slot is None and ended.ended_by == people["office"]
    assert set(ended.orders.values_list("status", flat=True)) == {OzoneOrder.Status.CLOSED}
    assert not Deadline.objects.filter(key__startswith="measures:ozone-order:", cancelled_at__isnull=True).exists()
    assert OutboxEvent.objects.filter(topic="advisories.ozone.ended").exists()
    services.ozone_prompt_notify_ended(prompt_id=prompt.pk)
    assert Notification.objects.filter(kind="advisories.ozone.ended", recipient=people["pingding"]).exists()
    with pytest.raises(services.AdvisoryError):
        services.ozone_prompt_end(actor=people["office"], prompt_id=prompt.pk)
