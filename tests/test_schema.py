"""The OpenAPI schema at /api/schema/ documents every endpoint without warnings."""

from __future__ import annotations

from django.core.management import call_command


def test_schema_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text(encoding="utf-8")
    for path in (
        "/api/v1/warnings/",
        "/api/v1/forecasts/imports/",
        "/api/v1/forecasts/evaluate/",
        "/api/v1/public/warning/",
        "/api/v1/industry-measures/",
        "/api/v1/daily-reports/",
        "/api/v1/daily-reports/compliance/",
        "/api/v1/auth/token/",
    ):
        assert path in text, path


def test_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
