"""The import page: upload → preview (nothing written) → confirm → the import's detail."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from accounts.roles import Role
from forecasts.imports import forecast_import
from forecasts.models import AirQualityRecord, Evaluation, ForecastImport

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO.parent / "shared" / "samples"
LIST = "/forecasts/imports/"
PREVIEW = "/forecasts/imports/preview/"
BAD_CSV = "area,time,aqi,pm25\n阳泉市,2025-02-03 06:00,90,60\n阳泉市,2025-02-03 7点,95,-5\n".encode()


@pytest.fixture
def forecaster(client, make_user):
    user = make_user(Role.FORECASTER, first_name="预报员")
    client.force_login(user)
    return user


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else (SAMPLES / name).read_bytes())


def test_page_shows_the_upload_form_and_history(client, forecaster, plan):
    earlier = forecast_import(data=(SAMPLES / "county-so2.csv").read_bytes(), name="county-so2.csv", channel="inbox")
    response = client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html and "<progress" in html
    assert "js/forecast_upload.js" in html
    assert "county-so2.csv" in html and f"/forecasts/imports/{earlier.import_.pk}/" in html and "收件目录" in html


def test_upload_preview_confirm_flow(client, forecaster, eager, django_capture_on_commit_callbacks):
    response = client.post(LIST, {"file": upload("hourly-aqi.csv")})
    assert response.status_code == 302 and response["Location"] == PREVIEW
    assert ForecastImport.objects.count() == 0 and AirQualityRecord.objects.count() == 0

    preview = client.get(PREVIEW)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "逐小时" in html and "阳泉市（84 行）" in html and "预报（84 行）" in html
    assert "2025-02-03 06:00" in html and "2025-02-06 17:00" in html  # the time range
    assert html.count("生态环境监测中心") == 50  # the first 50 rows as they will be stored
    assert "confirm-import" in html
    assert ForecastImport.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(PREVIEW, {"action": "confirm"})
    record = ForecastImport.objects.get()
    assert confirmed.status_code == 302 and confirmed["Location"] == f"/forecasts/imports/{record.pk}/"
    assert (record.channel, record.uploaded_by, record.stored_count) == ("page", forecaster, 84)
    evaluation = Evaluation.objects.get(source_import=record)

    detail = client.get(confirmed["Location"])
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "已导入「hourly-aqi.csv」" in html  # the message
    assert evaluation.get_level_display() in html
    assert escape(evaluation.result["reasons"][0]) in html
    assert "/forecasts/?area=140300" in html

    # The staging copy is gone: confirming again finds nothing to import.
    again = client.post(PREVIEW, {"action": "confirm"})
    assert again.status_code == 302 and again["Location"] == LIST
    assert ForecastImport.objects.count() == 1


def test_bad_file_preview_lists_every_error_and_has_no_confirm_button(client, forecaster):
    client.post(LIST, {"file": upload("bad.csv", BAD_CSV)})
    html = client.get(PREVIEW).content.decode()
    assert "2 处错误" in html
    assert "<td>3</td><td>time</td>" in html and "<td>3</td><td>pm25</td>" in html
    assert "无法识别的时间「2025-02-03 7点」" in html and "不能为负数「-5」" in html
    assert "confirm-import" not in html
    # A forged confirmation stores nothing either.
    response = client.post(PREVIEW, {"action": "confirm"})
    assert response.status_code == 302
    assert ForecastImport.objects.count() == 0 and AirQualityRecord.objects.count() == 0


def test_duplicate_upload_names_the_earlier_import(client, forecaster):
    earlier = forecast_import(data=(SAMPLES / "ozone-daily.json").read_bytes(), name="ozone-daily.json", channel="api")
    client.post(LIST, {"file": upload("o3-again.json", (SAMPLES / "ozone-daily.json").read_bytes())})
    html = client.get(PREVIEW).content.decode()
    assert "已于" in html and f"导入编号 {earlier.import_.pk}" in html and "不会重复导入" in html
    assert "confirm-import" not in html
    response = client.post(PREVIEW, {"action": "confirm"}, follow=True)
    assert "未重复导入" in response.content.decode()
    assert ForecastImport.objects.count() == 1


def test_cancel_discards_the_upload(client, forecaster):
    client.post(LIST, {"file": upload("county-so2.csv")})
    response = client.post(PREVIEW, {"action": "cancel"})
    assert response.status_code == 302 and response["Location"] == LIST
    assert client.get(PREVIEW)["Location"] == LIST
    assert ForecastImport.objects.count() == 0


def test_xhr_upload_answers_json(client, forecaster):
    response = client.post(LIST, {"file": upload("county-so2.csv")}, headers={"X-Requested-With": "XMLHttpRequest"})
    assert response.status_code == 200 and response.json() == {"redirect": PREVIEW}
    missing = client.post(LIST, {}, headers={"X-Requested-With": "XMLHttpRequest"})
    assert missing.status_code == 400 and missing.json()["error"]


def test_oversize_upload_is_413(client, forecaster, settings):
    settings.FORECAST_MAX_UPLOAD_BYTES = 1000
    response = client.post(LIST, {"file": upload("hourly-aqi.csv")})
    assert response.status_code == 413
    assert "文件过大" in response.content.decode()
    assert client.get(PREVIEW).status_code == 302


def test_a_preview_belongs_to_its_session(client, forecaster, make_user):
    client.post(LIST, {"file": upload("county-so2.csv")})
    client.force_login(make_user(Role.OFFICE))  # a new session for another person
    assert client.get(PREVIEW)["Location"] == LIST
    client.post(PREVIEW, {"action": "confirm"})
    assert ForecastImport.objects.count() == 0


@pytest.mark.parametrize("role", [Role.UNIT, Role.VICE_COMMANDER, Role.ADMIN])
def test_other_roles_may_not_use_the_page(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(LIST).status_code == 403
    assert client.post(LIST, {"file": upload("county-so2.csv")}).status_code == 403
    assert client.post(PREVIEW, {"action": "confirm"}).status_code == 403
    assert ForecastImport.objects.count() == 0


def test_anonymous_goes_to_login(client, plan):
    response = client.post(LIST, {"file": upload("county-so2.csv")})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
