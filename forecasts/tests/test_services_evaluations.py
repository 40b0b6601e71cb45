"""forecasts.services: evaluations of the stored series, the consultations they open (会商, plan
§4.2.1), the record of 附件4 and the heating season's daily consultation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
import time_machine
from django.utils import timezone

from accounts.roles import Role
from audit.models import AuditEntry
from command.models import Area
from forecasts import services
from forecasts.domain.readers import read_file
from forecasts.handlers import import_evaluate
from forecasts.models import AirQualityRecord, Consultation, Evaluation, ForecastImport, Replay
from forecasts.tasks import daily_consultation
from notifications.models import Notification

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _float(value) -> float | None:
    return None if pd.isna(value) else float(value)


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def store_file(source: str | Path | bytes, name: str | None = None, *, replay: Replay | None = None) -> ForecastImport:
    """Store a file's rows as the import service would (forecasts/imports.py is written elsewhere;
    these tests depend only on the reader and the models)."""
    result = read_file(source, name)
    assert result.ok, [e.as_dict() for e in result.errors]
    frame = result.frame
    areas = {area.code: area for area in Area.objects.all()}
    imported_at = timezone.now()
    forecast_import = ForecastImport.objects.create(
        file_name=result.name,
        file_sha256=result.file_sha256,
        channel=ForecastImport.Channel.COMMAND,
        period=result.period,
        row_count=len(frame),
        stored_count=len(frame),
        first_time=frame["time"].min().to_pydatetime(),
        last_time=frame["time"].max().to_pydatetime(),
        area_codes=sorted(frame["area_code"].unique().tolist()),
        kinds=sorted(frame["kind"].unique().tolist()),
        warnings=result.warnings,
        replay=replay,
    )
    records = []
    for row in frame.to_dict("records"):
        given = not pd.isna(row["issued_at"])
        issued = row["issued_at"] if given else (row["time"] if row["kind"] == "observed" else imported_at)
        records.append(
            AirQualityRecord(
                replay=replay,
                area=areas[row["area_code"]],
                period=row["period"],
                time=row["time"].to_pydatetime(),
                kind=row["kind"],
                issued_at=pd.Timestamp(issued).to_pydatetime(),
                issued_at_given=given,
                aqi=_float(row["aqi"]),
                aqi_low=_float(row["aqi_low"]),
                aqi_high=_float(row["aqi_high"]),
                primary_pollutant=_text(row["primary_pollutant"]),
                pm25=_float(row["pm25"]),
                pm10=_float(row["pm10"]),
                so2=_float(row["so2"]),
                no2=_float(row["no2"]),
                o3=_float(row["o3"]),
                co=_float(row["co"]),
                o3_8h=_float(row["o3_8h"]),
                dust=bool(row["dust"]),
                source=_text(row["source"]),
                source_import=forecast_import,
                row=int(row["row"]),
            )
        )
    AirQualityRecord.objects.bulk_create(records)
    return forecast_import


def hourly_csv(start: str, values: list[float], *, kind: str = "forecast", area: str = "140300") -> bytes:
    """A small hourly file: one row per value from ``start`` on."""
    first = pd.Timestamp(start)
    lines = ["area,time,aqi,kind"]
    lines += [f"{area},{first + pd.Timedelta(hours=i):%Y-%m-%d %H:%M},{v},{kind}" for i, v in enumerate(values)]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def sample_import(plan) -> ForecastImport:
    return store_file(SAMPLES / "hourly-aqi.csv")


@pytest.fixture
def office_people(make_user):
    return {"office": make_user(Role.OFFICE), "forecaster": make_user(Role.FORECASTER), "unit": make_user(Role.UNIT)}


def test_store_file_keeps_every_row_of_the_sample(sample_import):
    assert AirQualityRecord.objects.filter(source_import=sample_import).count() == 84
    assert sample_import.first_time == dt.datetime(2025, 2, 3, 6, tzinfo=SHANGHAI)


def test_evaluation_run_stores_the_samples_level_and_opens_a_consultation(
    sample_import, office_people, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = services.evaluation_run(trigger=Evaluation.Trigger.IMPORT, source_import=sample_import)

    evaluation.refresh_from_db()
    assert evaluation.level == "yellow"
    assert evaluation.response_level == "III"
    assert evaluation.recommendation == "issue"
    assert evaluation.approver == "vice_commander"
    # A historical file is judged as of its own first hour.
    assert evaluation.now == dt.datetime(2025, 2, 3, 6, tzinfo=SHANGHAI)
    assert evaluation.issue_by == dt.datetime(2025, 2, 2, 12, tzinfo=SHANGHAI)
    assert evaluation.result["processes"][0]["start"] == "2025-02-03T12:00:00+08:00"

    consultation = Consultation.objects.get(evaluation=evaluation)
    assert consultation.kind == Consultation.Kind.EVALUATION
    assert consultation.status == Consultation.Status.OPEN

    notified = set(
        Notification.objects.filter(kind="forecasts.evaluation.action").values_list("recipient__username", flat=True)
    )
    assert notified == {office_people["office"].username, office_people["forecaster"].username}
    notice = Notification.objects.get(recipient=office_people["office"])
    assert notice.title == "预警评估建议：发布黄色预警"
    assert notice.link == f"/forecasts/consultations/{consultation.pk}/"
    assert AuditEntry.objects.filter(action="forecasts.evaluation.created", target_id=str(evaluation.pk)).exists()
    assert AuditEntry.objects.filter(action="forecasts.consultation.opened", target_id=str(consultation.pk)).exists()


def test_notifications_wait_for_the_commit(sample_import, office_people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.evaluation_run(trigger=Evaluation.Trigger.IMPORT, source_import=sample_import)
    assert callbacks  # notices (and other side effects) are queued for after the commit
    assert not Notification.objects.exists()


def test_clean_forecast_opens_no_consultation(plan, office_people, django_capture_on_commit_callbacks):
    clean = store_file(hourly_csv("2025-03-01 00:00", [60] * 72), "clean.csv")
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = services.evaluation_run(trigger=Evaluation.Trigger.IMPORT, source_import=clean)
    assert (evaluation.level, evaluation.recommendation) == ("none", "none")
    assert not Consultation.objects.exists()
    assert not Notification.objects.exists()


def test_maintained_warning_opens_no_second_consultation(plan, office_people, django_capture_on_commit_callbacks):
    """In a drill the warning in force follows its own evaluations: after an issue, the same
    forecast gives maintain, which calls for nothing."""
    replay = Replay.objects.create(
        name="演练",
        source_file="hourly-aqi.csv",
        step=Replay.Step.HOUR,
        start=dt.datetime(2025, 2, 3, 6, tzinfo=SHANGHAI),
        end=dt.datetime(2025, 2, 6, 17, tzinfo=SHANGHAI),
        cursor=dt.datetime(2025, 2, 3, 6, tzinfo=SHANGHAI),
    )
    store_file(SAMPLES / "hourly-aqi.csv", replay=replay)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.evaluation_run(trigger=Evaluation.Trigger.REPLAY, replay=replay)
        second = services.evaluation_run(trigger=Evaluation.Trigger.REPLAY, replay=replay)
    assert first.recommendation == "issue"
    assert (second.active_level, second.recommendation) == ("yellow", "maintain")
    assert list(Consultation.objects.values_list("evaluation_id", flat=True)) == [first.pk]
    # A drill notifies nobody.
    assert not Notification.objects.exists()


def test_evaluating_an_import_is_idempotent(sample_import, office_people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_evaluate({"import_id": sample_import.pk})
        import_evaluate({"import_id": sample_import.pk})
    assert Evaluation.objects.count() == 1
    assert Consultation.objects.count() == 1


# --------------------------------------------------------------------------- 附件4


@pytest.fixture
def open_consultation(sample_import, django_capture_on_commit_callbacks) -> Consultation:
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = services.evaluation_run(trigger=Evaluation.Trigger.IMPORT, source_import=sample_import)
    return Consultation.objects.get(evaluation=evaluation)


def conclude(consultation: Consultation, actor, **overrides) -> Consultation:
    fields = {
        "conclusion": "预计 2 月 3 日 12 时起连续 48 小时 AQI 超过 150，达到黄色预警条件。",
        "concluded_level": "yellow",
        "reporter": "李预报",
        "reported_on": dt.date(2025, 2, 2),
        "reviewer": "王审定",
        "reviewed_on": dt.date(2025, 2, 2),
        "expert_opinion": "同意。",
        "expert_on": dt.date(2025, 2, 2),
    }
    fields.update(overrides)
    return services.consultation_conclude(consultation_id=consultation.pk, actor=actor, **fields)


def test_conclude_writes_the_annex_fields_and_an_audit_entry(open_consultation, office_people):
    done = conclude(open_consultation, office_people["forecaster"])
    done.refresh_from_db()
    assert done.status == Consultation.Status.CONCLUDED
    assert done.concluded_level == "yellow"
    assert (done.reporter, done.reported_on) == ("李预报", dt.date(2025, 2, 2))
    assert (done.reviewer, done.reviewed_on) == ("王审定", dt.date(2025, 2, 2))
    assert (done.expert_opinion, done.expert_on) == ("同意。", dt.date(2025, 2, 2))
    assert done.concluded_by == office_people["forecaster"]
    assert done.concluded_at is not None
    entry = AuditEntry.objects.get(action="forecasts.consultation.concluded", target_id=str(done.pk))
    assert entry.actor == office_people["forecaster"]
    assert entry.before == {"status": "open"}
    assert entry.after == {"status": "concluded", "concluded_level": "yellow"}


def test_second_conclude_is_refused_in_chinese(open_consultation, office_people):
    conclude(open_consultation, office_people["office"])
    with pytest.raises(services.ConsultationError, match="该会商已形成意见，不能再修改"):
        conclude(open_consultation, office_people["forecaster"], conclusion="改口", concluded_level="none")
    open_consultation.refresh_from_db()
    assert open_consultation.concluded_level == "yellow"
    assert AuditEntry.objects.filter(action="forecasts.consultation.concluded").count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"conclusion": "  "}, "会商结论不能为空"),
        ({"reporter": ""}, "请填写报告人"),
        ({"concluded_level": "purple"}, "级别无效"),
    ],
)
def test_conclude_guards(open_consultation, office_people, overrides, message):
    with pytest.raises(services.ConsultationError, match=message):
        conclude(open_consultation, office_people["office"], **overrides)
    open_consultation.refresh_from_db()
    assert open_consultation.status == Consultation.Status.OPEN


# --------------------------------------------------------------------------- real-time, daily


def test_realtime_consultation_attaches_the_latest_evaluation(
    sample_import, office_people, eager, django_capture_on_commit_callbacks
):
    evaluation = services.evaluation_run(trigger=Evaluation.Trigger.IMPORT, source_import=sample_import)
    with django_capture_on_commit_callbacks(execute=True):
        consultation = services.consultation_open_realtime(actor=office_people["office"])
    assert consultation.kind == Consultation.Kind.REALTIME
    assert consultation.evaluation == evaluation
    recipients = set(
        Notification.objects.filter(kind="forecasts.consultation.realtime").values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {office_people["office"].username, office_people["forecaster"].username}
    entry = AuditEntry.objects.get(action="forecasts.consultation.opened", target_id=str(consultation.pk))
    assert entry.actor == office_people["office"]


def test_second_realtime_consultation_is_refused_while_one_is_open(plan, office_people):
    first = services.consultation_open_realtime(actor=office_people["office"])
    assert first.evaluation is None
    with pytest.raises(services.ConsultationError, match="已有进行中的实时会商"):
        services.consultation_open_realtime(actor=office_people["office"])
    conclude(first, office_people["office"], concluded_level="none")
    services.consultation_open_realtime(actor=office_people["office"])
    assert Consultation.objects.filter(kind=Consultation.Kind.REALTIME).count() == 2


def test_daily_consultation_once_per_day_in_the_heating_season(
    plan, office_people, eager, django_capture_on_commit_callbacks
):
    with time_machine.travel(dt.datetime(2025, 12, 1, 8, 30, tzinfo=SHANGHAI), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = daily_consultation()
            second = daily_consultation()
    assert first == second
    daily = Consultation.objects.get(kind=Consultation.Kind.DAILY)
    assert daily.scheduled_for == dt.date(2025, 12, 1)
    assert Notification.objects.filter(kind="forecasts.consultation.daily").count() == 2  # office + forecaster


def test_no_daily_consultation_outside_the_heating_season(plan, office_people):
    with time_machine.travel(dt.datetime(2025, 7, 1, 8, 30, tzinfo=SHANGHAI), tick=False):
        assert daily_consultation() is None
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2025, 10, 31), False),
        (dt.date(2025, 11, 1), True),
        (dt.date(2026, 1, 31), True),
        (dt.date(2026, 3, 31), True),
        (dt.date(2026, 4, 1), False),
    ],
)
def test_heating_season_bounds(day, expected):
    assert services.in_heating_season(day) is expected
