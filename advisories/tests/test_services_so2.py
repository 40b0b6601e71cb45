import pytest
import time_machine

from advisories import services
from advisories.models import So2Task
from audit.models import AuditEntry
from core.models import OutboxEvent
from deadlines import keys
from deadlines.models import Deadline
from notifications.models import Notification

from .conftest import at

pytestmark = pytest.mark.django_db

PINGDING = ("140321", "平定县")


def _alerts(make_evaluation, now, *alerts):
    return make_evaluation(now=now, so2_alerts=alerts)


def test_each_alert_is_a_task_for_its_area_with_its_so2_enterprises(people, registry, make_evaluation):
    evaluation = _alerts(
        make_evaluation,
        at(10, 8),
        (*PINGDING, at(10, 12), at(10, 15), 210.4),
        ("140322", "盂县", at(11, 1), at(11, 2), 160),
    )
    with time_machine.travel(at(10, 8, 5), tick=False):
        tasks = services.so2_tasks_from_evaluation(evaluation_id=evaluation.pk)
    pingding = next(t for t in tasks if t.area.code == "140321")
    assert (pingding.start, pingding.end, pingding.max_so2) == (at(10, 12), at(10, 15), 210.4)
    assert pingding.unit.slug == "pingding" and pingding.status == So2Task.Status.ISSUED
    assert [e["name"] for e in pingding.enterprises] == ["平定示例焦化厂"]  # the shop emits no SO2
    assert Deadline.objects.get(key=keys.so2_task(pingding.pk)).due_at == at(10, 10, 5)
    assert OutboxEvent.objects.filter(topic="advisories.so2.issued").count() == 2
    assert AuditEntry.objects.filter(action="advisories.so2.issued").count() == 2


def test_alerts_that_overlap_or_touch_are_one_task_and_a_later_evaluation_extends_it(people, registry, make_evaluation):
    first = services.so2_tasks_from_evaluation(
        evaluation_id=_alerts(make_evaluation, at(10, 8), (*PINGDING, at(10, 12), at(10, 15), 200)).pk
    )[0]
    later = _alerts(
        make_evaluation, at(10, 9), (*PINGDING, at(10, 16), at(10, 20), 260)
    )  # touches: 16:00 follows 15:00
    again = services.so2_tasks_from_evaluation(evaluation_id=later.pk)[0]
    assert again.pk == first.pk
    assert (again.start, again.end, again.max_so2, again.latest_evaluation_id) == (
        at(10, 12),
        at(10, 20),
        260,
        later.pk,
    )
    assert AuditEntry.objects.filter(action="advisories.so2.extended").count() == 1
    # handed out twice: nothing new
    services.so2_tasks_from_evaluation(evaluation_id=later.pk)
    assert So2Task.objects.count() == 1 and OutboxEvent.objects.filter(topic="advisories.so2.issued").count() == 1
    # a gap of an hour or more is another alert
    apart = _alerts(make_evaluation, at(10, 10), (*PINGDING, at(10, 22), at(10, 23), 170))
    services.so2_tasks_from_evaluation(evaluation_id=apart.pk)
    assert So2Task.objects.count() == 2


def test_a_city_wide_alert_is_not_a_county_task(people, make_evaluation):
    assert (
        services.so2_tasks_from_evaluation(
            evaluation_id=_alerts(make_evaluation, at(10, 8), ("140300", "阳泉市", at(10, 12), at(10, 13), 170)).pk
        )
        == []
    )


def test_the_county_the_ecology_bureau_and_the_office_are_told(people, registry, make_evaluation):
    task = services.so2_tasks_from_evaluation(
        evaluation_id=_alerts(make_evaluation, at(10, 8), (*PINGDING, at(10, 12), at(10, 15), 200)).pk
    )[0]
    services.so2_task_notify_issued(task_id=task.pk)
    told = set(Notification.objects.filter(kind="advisories.so2.issued").values_list("recipient__username", flat=True))
    assert {
        people["county"].username,
        people["pingding"].username,
        people["shengtai"].username,
        people["office"].username,
    } <= told
    assert people["county2"].username not in told and people["jiaotong"].username not in told


@pytest.fixture
def task(people, registry, make_evaluation):
    with time_machine.travel(at(10, 8), tick=False):
        return services.so2_tasks_from_evaluation(
            evaluation_id=_alerts(make_evaluation, at(10, 8), (*PINGDING, at(10, 12), at(10, 15), 200)).pk
        )[0]


def test_county_acknowledges_and_answers_within_two_hours(people, task):
    services.so2_task_acknowledge(actor=people["county"], task_id=task.pk, now=at(10, 8, 20))
    answered = services.so2_task_answer(
        actor=people["county"], task_id=task.pk, answer="焦化厂脱硫设施满负荷运行，限产 30%", now=at(10, 9, 30)
    )
    assert answered.status == So2Task.Status.ANSWERED and answered.answered_by == people["county"]
    deadline = Deadline.objects.get(key=keys.so2_task(task.pk))
    assert deadline.met_at == at(10, 9, 30) and deadline.met_at <= deadline.due_at
    assert OutboxEvent.objects.filter(topic="advisories.so2.answered").exists()
    services.so2_task_notify_answered(task_id=task.pk)
    assert Notification.objects.filter(kind="advisories.so2.answered", recipient=people["shengtai"]).exists()
    with pytest.raises(services.AdvisoryError):
        services.so2_task_answer(actor=people["county"], task_id=task.pk, answer="再次")


@pytest.mark.parametrize("who", ["county2", "office", "pingding"])
def test_only_the_areas_county_acknowledges_and_answers(people, task, who):
    with pytest.raises(services.NotYourAdvisoryError):
        services.so2_task_acknowledge(actor=people[who], task_id=task.pk)
    with pytest.raises(services.NotYourAdvisoryError):
        services.so2_task_answer(actor=people[who], task_id=task.pk, answer="措施")


def test_an_empty_answer_is_refused(people, task):
    with pytest.raises(services.AdvisoryError):
        services.so2_task_answer(actor=people["county"], task_id=task.pk, answer="  ")
