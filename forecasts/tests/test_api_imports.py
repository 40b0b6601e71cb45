"""The forecasts API (interfaces.md §4): POST /api/v1/forecasts/imports/, GET of imports, and
POST /api/v1/forecasts/evaluate/ (nothing stored)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from accounts.services import api_token_issue
from forecasts.models import AirQualityRecord, Evaluation, ForecastImport

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO.parent / "shared" / "samples"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
IMPORTS = "/api/v1/forecasts/imports/"
EVALUATE = "/api/v1/forecasts/evaluate/"
BAD_CSV = "area,time,aqi,pm25\n阳泉市,2025-02-03 06:00,90,60\n阳泉市,2025-02-03 7点,95,-5\n".encode()


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else (SAMPLES / name).read_bytes())


def xlsx_of_hourly_sample() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    lines = (SAMPLES / "hourly-aqi.csv").read_text(encoding="utf-8").splitlines()
    sheet.append(["区域", "时间", "AQI", "首要污染物", "发布时间", "来源"])
    for line in lines[1:]:
        area, time, aqi, primary, issued, source = line.split(",")
        sheet.append([int(area), time, int(aqi), primary, issued, source])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def forecaster_client(client, make_user):
    client.force_login(make_user(Role.FORECASTER))
    return client


def test_forecaster_imports_a_file_and_gets_201_with_counts(
    forecaster_client, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = forecaster_client.post(IMPORTS, {"file": upload("hourly-aqi.csv")})
    assert response.status_code == 201, response.content
    body = response.json()
    record = ForecastImport.objects.get()
    assert body == {
        "id": record.pk,
        "file_name": "hourly-aqi.csv",
        "row_count": 84,
        "stored_count": 84,
        "duplicate": False,
        "period": "hour",
        "area_codes": ["140300"],
        "warnings": [],
    }
    assert record.channel == "api" and record.uploaded_by.role == Role.FORECASTER
    evaluation = Evaluation.objects.get(source_import=record)
    assert evaluation.level == EXPECTED["hourly-aqi.csv"]["level"]

    detail = forecaster_client.get(f"{IMPORTS}{record.pk}/")
    assert detail.status_code == 200
    assert detail.json()["evaluation"] == evaluation.pk
    assert detail.json()["stored_count"] == 84 and detail.json()["uploaded_by"] == record.uploaded_by.username
    listing = forecaster_client.get(IMPORTS).json()
    assert [item["id"] for item in listing["results"]] == [record.pk]


def test_the_same_file_again_is_200_duplicate_with_the_earlier_id(forecaster_client):
    first = forecaster_client.post(IMPORTS, {"file": upload("county-so2.csv")}).json()
    response = forecaster_client.post(IMPORTS, {"file": upload("county-so2.csv")})
    assert response.status_code == 200
    assert response.json()["duplicate"] is True
    assert response.json()["id"] == first["id"]
    assert response.json()["stored_count"] == 0
    assert ForecastImport.objects.count() == 1 and AirQualityRecord.objects.count() == 24


def test_office_imports_gbk_xlsx_and_json_by_token(client, make_user):
    user = make_user(Role.OFFICE)
    _token, key = api_token_issue(user=user)
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    gbk = client.post(IMPORTS, {"file": upload("daily-ranges-gbk.csv")}, **auth)
    assert gbk.status_code == 201, gbk.content
    assert (gbk.json()["period"], gbk.json()["row_count"], gbk.json()["area_codes"]) == ("day", 4, ["140300"])
    stored = AirQualityRecord.objects.filter(source_import_id=gbk.json()["id"]).order_by("time").first()
    assert (stored.aqi_low, stored.aqi_high, stored.primary_pollutant) == (160, 190, "PM2.5")

    xlsx = client.post(IMPORTS, {"file": upload("hourly.xlsx", xlsx_of_hourly_sample())}, **auth)
    assert xlsx.status_code == 201, xlsx.content
    assert (xlsx.json()["period"], xlsx.json()["row_count"], xlsx.json()["stored_count"]) == ("hour", 84, 84)

    js = client.post(IMPORTS, {"file": upload("ozone-daily.json")}, **auth)
    assert js.status_code == 201, js.content
    assert (js.json()["period"], js.json()["row_count"]) == ("day", 4)
    assert set(ForecastImport.objects.values_list("uploaded_by__username", flat=True)) == {user.username}


def test_a_bad_file_is_400_with_row_and_column_errors_and_nothing_stored(forecaster_client):
    response = forecaster_client.post(IMPORTS, {"file": upload("bad.csv", BAD_CSV)})
    assert response.status_code == 400
    body = response.json()
    assert "bad.csv" in body["detail"] and "未导入任何数据" in body["detail"]
    located = {(e["file"], e["row"], e["column"]) for e in body["errors"]}
    assert {("bad.csv", 3, "time"), ("bad.csv", 3, "pm25")} <= located
    assert all(set(e) == {"file", "row", "column", "message"} for e in body["errors"])
    assert ForecastImport.objects.count() == 0 and AirQualityRecord.objects.count() == 0


def test_missing_file_is_400(forecaster_client):
    response = forecaster_client.post(IMPORTS, {})
    assert response.status_code == 400
    assert response.json()["detail"]


def test_oversize_file_is_413(forecaster_client, settings):
    settings.FORECAST_MAX_UPLOAD_BYTES = 1000
    response = forecaster_client.post(IMPORTS, {"file": upload("hourly-aqi.csv")})
    assert response.status_code == 413
    assert "文件过大" in response.json()["detail"]
    big = forecaster_client.post(IMPORTS, {"file": upload("big.csv", b"x" * 200_000)})
    assert big.status_code == 413
    assert ForecastImport.objects.count() == 0


@pytest.mark.parametrize("role", [Role.UNIT, Role.COUNTY, Role.COMMANDER, Role.SUPERVISOR])
def test_other_roles_cannot_import_but_staff_can_list(client, make_user, role):
    client.force_login(make_user(role))
    response = client.post(IMPORTS, {"file": upload("hourly-aqi.csv")})
    assert response.status_code == 403
    assert "无权" in response.json()["detail"]
    assert client.get(IMPORTS).status_code == 200
    assert client.post(EVALUATE, {"file": upload("hourly-aqi.csv")}).status_code == 403
    assert ForecastImport.objects.count() == 0


def test_anonymous_is_refused(client, plan):
    assert client.post(IMPORTS, {"file": upload("hourly-aqi.csv")}).status_code in (401, 403)
    assert client.get(IMPORTS).status_code in (401, 403)
    assert client.post(EVALUATE, {"file": upload("hourly-aqi.csv")}).status_code in (401, 403)
    assert ForecastImport.objects.count() == 0


@pytest.mark.parametrize("name", ["hourly-aqi.csv", "daily-ranges-gbk.csv", "county-so2.csv", "ozone-daily.json"])
def test_evaluate_returns_the_command_json_and_stores_nothing(forecaster_client, name):
    response = forecaster_client.post(EVALUATE, {"file": upload(name)})
    assert response.status_code == 200, response.content
    body = response.json()
    for key, value in EXPECTED[name].items():
        if key == "processes":
            assert [(p["level"], p["start"]) for p in body[key]] == [(p["level"], p["start"]) for p in value]
        elif key == "so2_alerts":
            assert [(a["area"], a["start"], a["end"], a["max_so2"]) for a in body[key]] == [
                (a["area"], a["start"], a["end"], a["max_so2"]) for a in value
            ]
        else:
            assert body[key] == value, key
    assert {
        "level",
        "response_level",
        "processes",
        "ozone_prompt",
        "so2_alerts",
        "issue_by",
        "urgent",
        "recommendation",
        "approver",
        "reasons",
    } <= set(body)
    assert ForecastImport.objects.count() == 0 and AirQualityRecord.objects.count() == 0


def test_evaluate_with_active_level_and_now(forecaster_client):
    response = forecaster_client.post(
        EVALUATE, {"file": upload("hourly-aqi.csv"), "active_level": "yellow", "now": "2025-02-03T12:00+08:00"}
    )
    assert response.status_code == 200
    assert response.json()["active_level"] == "yellow"
    assert response.json()["now"].startswith("2025-02-03T12:00:00+08:00")
    assert response.json()["recommendation"] == "maintain"


def test_evaluate_rejects_bad_input_with_errors(forecaster_client):
    bad_file = forecaster_client.post(EVALUATE, {"file": upload("bad.csv", BAD_CSV)})
    assert bad_file.status_code == 400
    assert {(e["row"], e["column"]) for e in bad_file.json()["errors"]} == {(3, "time"), (3, "pm25")}
    bad_level = forecaster_client.post(EVALUATE, {"file": upload("hourly-aqi.csv"), "active_level": "purple"})
    assert bad_level.status_code == 400 and bad_level.json()["errors"][0]["column"] == "active_level"
    bad_now = forecaster_client.post(EVALUATE, {"file": upload("hourly-aqi.csv"), "now": "tomorrow"})
    assert bad_now.status_code == 400 and "tomorrow" in bad_now.json()["detail"]
    assert forecaster_client.post(EVALUATE, {}).status_code == 400
