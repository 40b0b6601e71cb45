"""evaluation_run hands an ozone prompt and SO2 alerts to the advisories through the outbox."""

import pytest

from core.models import OutboxEvent
from forecasts import services as forecast_services
from forecasts.models import Evaluation

from .conftest import at

pytestmark = pytest.mark.django_db


def _fake_result(ozone: bool, so2: bool) -> dict:
    return {
        "level": "none",
        "response_level": None,
        "recommendation": "none",
        "approver": None,
        "issue_by": None,
        "urgent": False,
        "ozone_prompt": ozone,
        "reasons": [],
        "now": at(10, 8).isoformat(),
        "ozone_windows": [{"start": at(11, 0).isoformat(), "end": at(11, 23).isoformat(), "value": 220}]
        if ozone
        else [],
        "so2_alerts": [
            {
                "area": "平定县",
                "area_code": "140321",
                "start": at(10, 12).isoformat(),
                "end": at(10, 13).isoformat(),
                "max_so2": 180,
            }
        ]
        if so2
        else [],
        "processes": [],
    }


@pytest.mark.parametrize(("ozone", "so2"), [(True, True), (False, False), (True, False), (False, True)])
def test_evaluation_emits_the_advisories_it_calls_for(plan, monkeypatch, ozone, so2):
    monkeypatch.setattr(forecast_services, "evaluate", lambda frame, **kw: _fake_result(ozone, so2))
    evaluation = forecast_services.evaluation_run(trigger=Evaluation.Trigger.MANUAL, now=at(10, 8))
    topics = set(OutboxEvent.objects.values_list("topic", flat=True))
    assert ("advisories.ozone.evaluate" in topics) is ozone
    assert ("advisories.so2.evaluate" in topics) is so2
    for topic in {"advisories.ozone.evaluate", "advisories.so2.evaluate"} & topics:
        assert OutboxEvent.objects.get(topic=topic).payload == {"evaluation_id": evaluation.pk}


def test_handlers_run_from_the_outbox_open_the_consultation_and_the_task(people, monkeypatch):
    from core.outbox import handler_table

    monkeypatch.setattr(forecast_services, "evaluate", lambda frame, **kw: _fake_result(True, True))
    evaluation = forecast_services.evaluation_run(trigger=Evaluation.Trigger.MANUAL, now=at(10, 8))
    handlers = {h.topic: h.func for h in handler_table()}
    for event in OutboxEvent.objects.filter(topic__startswith="advisories.").order_by("pk"):
        handlers[event.topic](event.payload)
    assert evaluation.consultations.get().kind == "ozone"
    assert evaluation.consultations.get().ozone_prompt.status == "consulting"
    from advisories.models import So2Task

    assert So2Task.objects.get().area.code == "140321"
