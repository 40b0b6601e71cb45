"""warning-rules.md edition 2 on the cases of the rules issue, at every level a user meets them:
the classifier, ``evaluate_forecast --json``, ``POST /api/v1/forecasts/evaluate/``, and the
upload page (import → stored evaluation → the auto-drafted approval form in the right inbox).

Each case is a small hourly file of the city: runs of (AQI, hours, kind), evaluated at ``now``
(hours after the file's first hour) with a warning ``active`` or none.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from accounts.roles import Role
from forecasts.domain.readers import read_file
from forecasts.domain.rules import evaluate

TZ = "Asia/Shanghai"
START = pd.Timestamp("2025-01-10 00:00", tz=TZ)


@dataclass(frozen=True)
class Case:
    name: str
    runs: tuple[tuple[float | None, int, str], ...]
    now: int = 0
    active: str = "none"
    expected: dict = field(default_factory=dict)

    def csv(self, start: pd.Timestamp = START) -> str:
        lines = ["area,time,aqi,kind"]
        hour = 0
        for value, hours, kind in self.runs:
            for _ in range(hours):
                if value is not None:
                    stamp = (start + pd.Timedelta(hours=hour)).strftime("%Y-%m-%d %H:%M")
                    lines.append(f"阳泉市,{stamp},{value:g},{kind}")
                hour += 1
        return "\n".join(lines) + "\n"

    def now_at(self, start: pd.Timestamp = START) -> pd.Timestamp:
        return start + pd.Timedelta(hours=self.now)


FC, OB = "forecast", "observed"

CASES = [
    Case(
        "a 20-hour spell between clean days: its real 24-hour means never pass 183",
        ((50, 24, FC), (210, 20, FC), (50, 24, FC)),
        expected={"level": "none", "recommendation": "none", "proposed_level": None, "processes": []},
    ),
    Case(
        "a process edge: the real means make it orange, not red",
        ((50, 24, FC), (215, 20, FC), (215, 24, FC), (320, 24, FC), (50, 24, FC)),
        expected={
            "level": "orange",
            "recommendation": "issue",
            "proposed_level": "orange",
            "approver": "vice_commander",
        },
    ),
    Case(
        "48 h observed at 250 and 24 h forecast at 320, at the start of the forecast: red, the commander",
        ((250, 48, OB), (320, 24, FC)),
        now=48,
        expected={
            "level": "red",
            "recommendation": "issue",
            "proposed_level": "red",
            "approver": "commander",
            "reached_level": "red",
            "issue_due_now": True,
        },
    ),
    Case(
        "the same with yellow in force: upgrade to red",
        ((250, 48, OB), (320, 24, FC)),
        now=48,
        active="yellow",
        expected={"level": "red", "recommendation": "upgrade", "proposed_level": "red", "approver": "commander"},
    ),
    Case(
        "24 h observed at 320 then 30 h at 310: urgent, orange at once",
        ((320, 24, OB), (310, 30, FC)),
        now=24,
        expected={
            "urgent": True,
            "recommendation": "issue",
            "proposed_level": "orange",
            "approver": "vice_commander",
            "issue_due_now": True,
        },
    ),
    Case(
        "orange in force, 40 clean hours ahead, then 72 h at 320: lift, and the red process needs its own warning",
        ((50, 40, FC), (320, 72, FC)),
        active="orange",
        expected={
            "recommendation": "lift",
            "proposed_level": None,
            "approver": "vice_commander",
            "lift_at": START.isoformat(),
            "issue_by": (START + pd.Timedelta(hours=16)).isoformat(),
        },
    ),
    Case(
        "6 h at 120, 72 h without data, then a spell: two processes, the spell's own issue_by",
        ((120, 6, FC), (None, 72, FC), (250, 48, FC)),
        expected={
            "recommendation": "issue",
            "proposed_level": "orange",
            "issue_by": (START + pd.Timedelta(hours=78 - 24)).isoformat(),
            "issue_due_now": False,
        },
    ),
]
IDS = [f"case{i}" for i in range(len(CASES))]


def assert_case(got: dict, case: Case) -> None:
    for key, want in case.expected.items():
        assert got[key] == want, (case.name, key, got[key])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_classifier(case, tmp_path):
    path = tmp_path / "case.csv"
    path.write_text(case.csv(), encoding="utf-8")
    got = evaluate(read_file(path), active_level=case.active, now=case.now_at())
    assert_case(got, case)


def test_the_lift_case_lists_the_red_process_as_next_with_its_issue_by(tmp_path):
    case = CASES[5]
    path = tmp_path / "case.csv"
    path.write_text(case.csv(), encoding="utf-8")
    got = evaluate(read_file(path), active_level="orange", now=START)
    [red] = got["next_processes"] or [got["current_process"]]
    assert red["level"] == "red" and red["start"] == (START + pd.Timedelta(hours=40)).isoformat()
    assert red["issue_by"] == (START + pd.Timedelta(hours=16)).isoformat()
    assert any("解除" in r and "2025-01-10 00:00" in r for r in got["reasons"])


def test_the_two_processes_of_a_gap_without_data(tmp_path):
    case = CASES[6]
    path = tmp_path / "case.csv"
    path.write_text(case.csv(), encoding="utf-8")
    got = evaluate(read_file(path))
    [process] = got["processes"]  # the 6 hours at 120 reach no level; the spell is orange
    assert process["start"] == (START + pd.Timedelta(hours=78)).isoformat()
    assert process["issue_by"] == (START + pd.Timedelta(hours=54)).isoformat()


def test_reasons_say_which_hours_were_observed_and_which_forecast(tmp_path):
    case = CASES[2]
    path = tmp_path / "case.csv"
    path.write_text(case.csv(), encoding="utf-8")
    got = evaluate(read_file(path), now=case.now_at())
    text = " ".join(got["reasons"])
    assert "红色预警条件成立" in text and "250、250、320" in text
    assert "实测 48 小时（2025-01-10 00:00 至 2025-01-11 23:00）" in text
    assert "预报 24 小时（2025-01-12 00:00 至 2025-01-12 23:00）" in text
    assert "首要污染物未提供，按颗粒物规则判定" in text


# --------------------------------------------------------------------------- the command


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_evaluate_forecast_json(case, tmp_path):
    path = tmp_path / "case.csv"
    path.write_text(case.csv(), encoding="utf-8")
    out = io.StringIO()
    call_command(
        "evaluate_forecast",
        str(path),
        "--json",
        "--active-level",
        case.active,
        "--now",
        case.now_at().isoformat(),
        stdout=out,
    )
    assert_case(json.loads(out.getvalue()), case)


# --------------------------------------------------------------------------- the API


@pytest.fixture
def forecaster_client(client, make_user):
    client.force_login(make_user(Role.FORECASTER))
    return client


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_evaluate_api(case, forecaster_client):
    upload = SimpleUploadedFile("case.csv", case.csv().encode())
    response = forecaster_client.post(
        "/api/v1/forecasts/evaluate/",
        {"file": upload, "active_level": case.active, "now": case.now_at().isoformat()},
    )
    assert response.status_code == 200, response.content
    assert_case(response.json(), case)


# --------------------------------------------------------------------------- the upload page


def test_upload_page_red_mid_episode_drafts_red_for_the_commander(
    client, make_user, eager, django_capture_on_commit_callbacks
):
    """The worst day: 48 hours observed at 250 and the next 24 forecast at 320, uploaded now. The
    stored evaluation proposes red, and the auto-drafted form is red, 40 % cuts, the commander's."""
    from alerts.models import ApprovalForm
    from forecasts.models import Evaluation

    case = CASES[2]
    present = pd.Timestamp("2026-12-20 08:00", tz=TZ)
    start = present - pd.Timedelta(hours=48)
    forecaster = make_user(Role.FORECASTER)
    with time_machine.travel(present.to_pydatetime(), tick=False):
        client.force_login(forecaster)  # a session of that day (sessions end after 12 hours)
        upload = SimpleUploadedFile("worst-day.csv", case.csv(start).encode())
        assert client.post("/forecasts/imports/", {"file": upload}).status_code == 302
        with django_capture_on_commit_callbacks(execute=True):
            confirmed = client.post("/forecasts/imports/preview/", {"action": "confirm"})
        assert confirmed.status_code == 302 and "/forecasts/imports/" in confirmed["Location"]
        evaluation = Evaluation.objects.latest("pk")
        assert (evaluation.recommendation, evaluation.result["proposed_level"]) == ("issue", "red")
        assert evaluation.approver == "commander"
        html = client.get(confirmed["Location"]).content.decode()
        assert "红色" in html and "总指挥" in html
    form = ApprovalForm.objects.get(evaluation=evaluation)
    assert (form.action, form.level, form.approver_role) == ("issue", "red", "commander")


def test_upload_page_keeps_a_file_of_the_past_judged_at_its_first_hour(
    client, make_user, eager, django_capture_on_commit_callbacks
):
    from forecasts.models import Evaluation

    case = CASES[1]
    client.force_login(make_user(Role.FORECASTER))
    upload = SimpleUploadedFile("edge.csv", case.csv().encode())
    assert client.post("/forecasts/imports/", {"file": upload}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/forecasts/imports/preview/", {"action": "confirm"})
    evaluation = Evaluation.objects.latest("pk")
    assert evaluation.level == "orange" and evaluation.result["proposed_level"] == "orange"


REPO = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- §11 what a warning says


def test_a_pm10_forecast_of_days_150_to_240_says_pm10_and_150_to_240(tmp_path):
    path = tmp_path / "pm10.csv"
    path.write_text(
        "area,date,aqi_low,aqi_high,primary_pollutant\n"
        "阳泉市,2025-01-09,60,80,\n"
        "阳泉市,2025-01-10,150,190,PM10\n"
        "阳泉市,2025-01-11,180,240,PM10\n"
        "阳泉市,2025-01-12,160,210,可吸入颗粒物\n"
        "阳泉市,2025-01-13,50,70,\n",
        encoding="utf-8",
    )
    got = evaluate(read_file(path))
    assert got["recommendation"] == "issue" and got["proposed_level"] == "orange"
    content = got["warning_content"]
    assert content["aqi_low"] == 150 and content["aqi_high"] == 240 and content["aqi_range"] == "150～240"
    assert content["primary_pollutant"] == "PM10"
    assert content["degree"] == "轻度至重度污染"
    assert content["process_start"] == "2025-01-10T00:00:00+08:00"
    assert content["process_end"] == "2025-01-12T23:00:00+08:00"
    assert (content["level"], content["response_level"]) == ("orange", "II")
    assert content["effective_start"] is None and content["weather_trend"] is None
    assert content["areas"] == [{"code": "140300", "name": "阳泉市"}]
    assert [d["date"] for d in content["days"]] == ["2025-01-10", "2025-01-11", "2025-01-12"]


def test_no_pollutant_in_the_file_is_left_for_the_office_never_a_guessed_pm25(tmp_path):
    path = tmp_path / "aqi-only.csv"
    path.write_text(CASES[2].csv(), encoding="utf-8")
    got = evaluate(read_file(path), now=CASES[2].now_at())
    assert got["warning_content"]["primary_pollutant"] is None
    assert got["warning_content"]["degree"] == "重度至严重污染"  # days of 250, 250 and 320
    assert got["warning_content"]["aqi_range"] == "250～320"
    assert any(r.startswith("首要污染物未提供，按颗粒物规则判定") for r in got["reasons"])


def test_primary_pollutant_is_the_most_frequent_of_the_polluted_hours(tmp_path):
    rows = ["area,time,aqi,primary_pollutant"]
    for hour in range(72):
        stamp = (START + pd.Timedelta(hours=hour)).strftime("%Y-%m-%d %H:%M")
        name = "PM2.5" if hour < 30 else "PM10"  # 42 hours of PM10 against 30 of PM2.5
        rows.append(f"阳泉市,{stamp},230,{name}")
    for hour in range(72, 120):
        stamp = (START + pd.Timedelta(hours=hour)).strftime("%Y-%m-%d %H:%M")
        rows.append(f"阳泉市,{stamp},60,O3")  # clean hours do not count
    path = tmp_path / "mix.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    got = evaluate(read_file(path))
    assert got["warning_content"]["primary_pollutant"] == "PM10"
    assert "首要污染物未提供" not in " ".join(got["reasons"])


def test_affected_areas_are_the_areas_polluted_during_the_process(tmp_path):
    rows = ["area,time,aqi"]
    for hour in range(96):
        stamp = (START + pd.Timedelta(hours=hour)).strftime("%Y-%m-%d %H:%M")
        rows.append(f"阳泉市,{stamp},{260 if hour < 72 else 60}")
        rows.append(f"平定县,{stamp},{280 if 10 <= hour < 20 else 70}")
        rows.append(f"盂县,{stamp},90")
        rows.append(f"城区,{stamp},{150 if hour >= 80 else 80}")  # after the process: not affected
    path = tmp_path / "areas.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    got = evaluate(read_file(path))
    assert got["warning_content"]["areas"] == [{"code": "140321", "name": "平定县"}]


# --------------------------------------------------------------------------- consumers


def _stored_evaluation(case: Case, tmp_path) -> object:
    from forecasts.models import Consultation, Evaluation

    path = tmp_path / "case.csv"
    path.write_text(case.csv(), encoding="utf-8")
    result = json.loads(json.dumps(evaluate(read_file(path), active_level=case.active, now=case.now_at())))
    evaluation = Evaluation.objects.create(
        trigger=Evaluation.Trigger.MANUAL,
        now=case.now_at().to_pydatetime(),
        active_level=case.active,
        level=result["level"],
        response_level=result["response_level"] or "",
        recommendation=result["recommendation"],
        approver=result["approver"] or "",
        urgent=result["urgent"],
        result=result,
    )
    Consultation.objects.create(kind=Consultation.Kind.EVALUATION, evaluation=evaluation)
    return evaluation


@pytest.mark.parametrize(("index", "level"), [(5, "none"), (2, "red"), (1, "orange"), (0, "none")])
def test_the_consultation_form_defaults_to_the_proposed_level_not_the_headline(
    index, level, client, make_user, tmp_path
):
    """The lift case's headline level is red (a later process), but the consultation concludes on
    what is proposed now: none (lift); the red process gets its own consultation when it comes."""
    evaluation = _stored_evaluation(CASES[index], tmp_path)
    assert evaluation.proposed_level == level
    consultation = evaluation.consultations.get()
    client.force_login(make_user(Role.FORECASTER))
    html = client.get(f"/forecasts/consultations/{consultation.pk}/").content.decode()
    assert f'<option value="{level}" selected>' in html


def test_the_evaluation_page_shows_the_current_and_next_processes_and_the_content(client, make_user, tmp_path):
    evaluation = _stored_evaluation(CASES[5], tmp_path)  # orange in force; lift, then a red process
    client.force_login(make_user(Role.OFFICE))
    html = client.get(f"/forecasts/evaluations/{evaluation.pk}/").content.decode()
    assert "解除时间" in html and "2025-01-10 00:00" in html
    assert "当前过程" in html and "（尚未开始）" in html
    red = _stored_evaluation(CASES[2], tmp_path)  # 48 h observed at 250, 24 h forecast at 320
    html = client.get(f"/forecasts/evaluations/{red.pk}/").content.decode()
    assert "已达到红色，余下黄色" in html
    assert "应立即起草审批表" in html
    assert "AQI 250～320（重度至严重污染）" in html
    assert "文件未提供，由办公室填写" in html
