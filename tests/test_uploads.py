"""Over-size uploads are refused by size, with a Chinese message, before the body is read
(accounts/uploads.py), and every route that takes files has its own ceiling there.

The per-file limits are tested where they live as well: forecasts/tests (page and API, 413),
response/tests/test_api_reports.py, supervision/tests/test_inspections.py; the enterprise
import page is tested here."""

from __future__ import annotations

import inspect

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from accounts.uploads import FORM_FIELDS_SLACK, UPLOAD_ROUTES, request_limit
from tests.test_role_matrix import EXAMPLES, ROUTES, _view_class, route_objects  # noqa: F401 - fixture


def _role_for(route):
    from accounts.permissions import declared_access

    access = declared_access(_view_class(dict(ROUTES)[route]), "POST")
    return Role.OFFICE if Role.OFFICE in access else sorted(access)[0]


def test_every_route_that_reads_files_has_a_ceiling():
    reading = []
    for name, pattern in ROUTES:
        view = _view_class(pattern)
        try:
            source = inspect.getsource(view)
        except (TypeError, OSError):
            continue
        if "FILES" in source or "FileField" in source or "_uploaded_files" in source:
            reading.append(name)
    assert reading, "the scan found no upload view at all"
    assert sorted(set(reading) - set(UPLOAD_ROUTES)) == [], "读取上传文件的路由缺少大小上限（accounts/uploads.py）"


@pytest.mark.parametrize("route", sorted(UPLOAD_ROUTES))
def test_declared_size_over_the_ceiling_is_413_before_the_body_is_read(route, client, make_user, route_objects):  # noqa: F811
    client.force_login(make_user(_role_for(route)))
    url = reverse(route, kwargs=EXAMPLES.get(route))
    limit = request_limit(url)
    assert limit > FORM_FIELDS_SLACK
    # A tiny body claiming to be one byte over the ceiling: reading it would fail, so a 413 proves
    # the refusal came from the declared size alone.
    response = client.generic(
        "POST", url, b"x" * 10, content_type="multipart/form-data; boundary=xyz", CONTENT_LENGTH=str(limit + 1)
    )
    assert response.status_code == 413
    text = response.json()["detail"] if url.startswith("/api/") else response.content.decode()
    assert "过大" in text and "上限" in text


def test_a_body_within_the_ceiling_reaches_the_view(client, make_user, settings):
    client.force_login(make_user(Role.OFFICE))
    url = reverse("measures:enterprises")
    response = client.post(url, {"file": SimpleUploadedFile("x.txt", b"not excel")})
    assert response.status_code != 413
    assert "Excel" in response.content.decode()  # the form's own check answered


def test_non_upload_routes_take_no_more_than_the_form_limit(client, make_user, settings):
    client.force_login(make_user(Role.OFFICE))
    response = client.generic(
        "POST",
        "/warnings/new/",
        b"x=1",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + FORM_FIELDS_SLACK + 1),
    )
    assert response.status_code == 413 and "过大" in response.content.decode()


def test_enterprise_import_refuses_a_file_over_its_own_limit(client, make_user, monkeypatch):
    import measures.forms

    monkeypatch.setattr(measures.forms, "MAX_UPLOAD_BYTES", 1024)
    client.force_login(make_user(Role.OFFICE))
    response = client.post(reverse("measures:enterprises"), {"file": SimpleUploadedFile("big.xlsx", b"x" * 2048)})
    assert response.status_code == 400 and "文件过大" in response.content.decode()


def test_ceilings_follow_the_configured_limits(settings):
    settings.RESPONSE_ATTACHMENT_MAX_BYTES = 1000
    assert request_limit(reverse("api-daily-reports")) == 5 * 1000 + FORM_FIELDS_SLACK
    settings.FORECAST_MAX_UPLOAD_BYTES = 3000
    assert request_limit(reverse("forecast-imports")) == 3000 + FORM_FIELDS_SLACK
