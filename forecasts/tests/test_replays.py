"""Replays feed a historical series through the import and evaluation path, kept apart from real data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command

from audit.models import AuditEntry
from core.models import OutboxEvent
from forecasts import selectors
from forecasts.models import AirQualityRecord, Evaluation, ForecastImport, Replay
from forecasts.replays import ReplayError, replay_start, replay_step

DATA = settings.BASE_DIR.parent / "shared" / "data" / "yangquan-daily-2013-2017.csv"


def run(replay: Replay, django_capture_on_commit_callbacks) -> None:
    while True:
        with django_capture_on_commit_callbacks(execute=True):
            replay_step(replay_id=replay.pk)
        replay.refresh_from_db()
        if replay.status != Replay.Status.RUNNING:
            return


def test_replay_of_the_february_2014_episode_issues_upgrades_and_lifts(plan, eager, django_capture_on_commit_callbacks):
    replay = replay_start(path=str(DATA), start=dt.date(2014, 2, 8), end=dt.date(2014, 3, 1))
    run(replay, django_capture_on_commit_callbacks)
    evaluations = list(Evaluation.objects.filter(replay=replay).order_by("now"))
    assert len(evaluations) == 22
    recommendations = [e.recommendation for e in evaluations]
    assert "issue" in recommendations and "lift" in recommendations
    assert recommendations.index("issue") < recommendations.index("lift")
    assert any(e.level == "red" for e in evaluations)
    # Each step is one import of the replay; nothing leaks into the real series.
    assert ForecastImport.objects.filter(replay=replay, channel="replay").count() == 22
    assert selectors.stored_frame().empty
    assert not Evaluation.objects.filter(replay__isnull=True).exists()


def test_a_second_replay_of_the_same_days_stores_its_own_rows(plan, eager, django_capture_on_commit_callbacks):
    first = replay_start(path=str(DATA), start=dt.date(2014, 2, 10), end=dt.date(2014, 2, 14))
    run(first, django_capture_on_commit_callbacks)
    second = replay_start(path=str(DATA), start=dt.date(2014, 2, 10), end=dt.date(2014, 2, 14))
    run(second, django_capture_on_commit_callbacks)
    firsts = AirQualityRecord.objects.filter(source_import__replay=first).count()
    seconds = AirQualityRecord.objects.filter(source_import__replay=second).count()
    assert firsts == seconds > 0
    assert [e.level for e in first.evaluations.order_by("now")] == [e.level for e in second.evaluations.order_by("now")]


def test_replay_outside_the_data_is_refused(plan):
    with pytest.raises(ReplayError, match="数据范围"):
        replay_start(path=str(DATA), start=dt.date(2020, 1, 1), end=dt.date(2020, 2, 1))
    with pytest.raises(ReplayError, match="找不到"):
        replay_start(path="/nonexistent.csv")


@pytest.mark.django_db(transaction=True)
def test_replay_command_runs_in_process_on_the_embedded_default(plan, eager, capsys, settings):
    call_command("replay", str(DATA), "--from", "2015-12-04", "--to", "2015-12-16")
    out = capsys.readouterr().out
    assert "回放结束" in out
    assert "2015-12-05 00:00" in out
    replay = Replay.objects.get()
    assert replay.status == Replay.Status.FINISHED
    assert replay.evaluations.filter(recommendation="issue").exists()


def test_each_step_and_the_end_of_a_replay_are_audited(plan, eager, django_capture_on_commit_callbacks):
    replay = replay_start(path=str(DATA), start=dt.date(2014, 2, 10), end=dt.date(2014, 2, 12))
    run(replay, django_capture_on_commit_callbacks)
    steps = list(AuditEntry.objects.filter(action="forecasts.replay.stepped", target_id=str(replay.pk)).order_by("pk"))
    assert [s.after["cursor"][:10] for s in steps] == ["2014-02-11", "2014-02-12", "2014-02-13"]
    assert steps[0].before == {"cursor": None}
    assert dt.datetime.fromisoformat(steps[1].before["cursor"]) == dt.datetime.fromisoformat(steps[0].after["cursor"])
    finished = AuditEntry.objects.get(action="forecasts.replay.finished", target_id=str(replay.pk))
    assert (finished.before, finished.after) == ({"status": "running"}, {"status": "finished"})


def test_a_step_handed_out_twice_is_taken_once(plan, eager, django_capture_on_commit_callbacks):
    replay = replay_start(path=str(DATA), start=dt.date(2014, 2, 10), end=dt.date(2014, 2, 12))
    with django_capture_on_commit_callbacks(execute=True):
        first = replay_step(replay_id=replay.pk, cursor=None)
        again = replay_step(replay_id=replay.pk, cursor=None)  # the same outbox event, redelivered
    assert first is not None and again is None
    assert ForecastImport.objects.filter(replay=replay).count() == 1
    assert AuditEntry.objects.filter(action="forecasts.replay.stepped", target_id=str(replay.pk)).count() == 1


def test_a_replay_started_to_advance_runs_its_steps_through_the_outbox(plan, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        replay = replay_start(path=str(DATA), start=dt.date(2014, 2, 10), end=dt.date(2014, 2, 14), advance=True)
    replay.refresh_from_db()
    assert replay.status == Replay.Status.FINISHED
    assert ForecastImport.objects.filter(replay=replay).count() == 5
    assert Evaluation.objects.filter(replay=replay).count() == 5
    steps = OutboxEvent.objects.filter(topic="forecasts.replay.advance", payload__replay_id=replay.pk)
    assert steps.count() == 6 and not steps.filter(done_at__isnull=True).exists()  # five steps and the end
