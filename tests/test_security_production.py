"""Nothing public that need not be: in production (SECRET_KEY set, DEBUG off) the API schema and
docs are for signed-in staff only, /healthz/ answers anyone with the bare status and staff with the
details, and an error shows no debug page. On the embedded default (a laptop; the schemathesis run
reads the schema from there) all three stay open. One setting, PUBLIC_DIAGNOSTICS, follows
SECRET_KEY; the role matrix reads the docs' rule from it."""

from __future__ import annotations

import json

import pytest

from accounts.permissions import declared_access
from accounts.roles import PUBLIC, STAFF, Role
from tests.test_settings import PRODUCTION, _run, _setting

DOCS = ("/api/schema/", "/api/docs/")


@pytest.fixture
def production(settings):
    settings.PUBLIC_DIAGNOSTICS = False
    return settings


@pytest.mark.parametrize("path", DOCS)
def test_schema_and_docs_are_for_signed_in_staff_in_production(path, client, make_user, production):
    refused = client.get(path)
    assert refused.status_code == 401
    client.force_login(make_user(Role.UNIT))
    assert client.get(path).status_code == 200


def test_the_role_matrix_follows_the_docs_rule(settings):
    from yangquan_aqi.urls import DocsView, SchemaView

    for view in (SchemaView, DocsView):
        settings.PUBLIC_DIAGNOSTICS = True
        assert declared_access(view, "GET") is PUBLIC
        settings.PUBLIC_DIAGNOSTICS = False
        assert declared_access(view, "GET") == STAFF


@pytest.mark.parametrize("path", DOCS)
def test_schema_and_docs_are_open_on_the_embedded_default(path, client, settings):
    assert settings.PUBLIC_DIAGNOSTICS is True
    assert client.get(path).status_code == 200


def test_healthz_gives_anyone_the_bare_status_and_staff_the_details(client, make_user, production):
    bare = client.get("/healthz/")
    assert bare.status_code == 200 and bare.json() == {"ok": True}
    client.force_login(make_user(Role.COUNTY))
    details = client.get("/healthz/").json()
    assert details["ok"] is True and details["database"] == "ok" and "cache" in details and "heartbeat" in details


def test_healthz_gives_the_details_to_anyone_on_the_embedded_default(client, settings):
    assert settings.PUBLIC_DIAGNOSTICS is True
    assert set(client.get("/healthz/").json()) >= {"ok", "database", "cache", "heartbeat"}


# Static URLs without the manifest that collectstatic builds at deploy (the only setting changed).
PROBE = """
import json
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
c = Client(HTTP_HOST="aqi.yq.gov.cn")
out = {"public_diagnostics": settings.PUBLIC_DIAGNOSTICS, "debug": settings.DEBUG}
with override_settings(STORAGES=storages):
    for path in ("/api/schema/", "/api/docs/", "/healthz/", "/no-such-page/"):
        r = c.get(path, secure=True)
        out[path] = {"status": r.status_code, "body": r.content.decode("utf-8", "replace")[:3000]}
print("PROBE " + json.dumps(out))
"""


def test_production_settings_close_the_docs_bare_healthz_and_no_debug_page():
    """A real production configuration (a database that is not there: nothing here needs it but
    /healthz/, which then reports not ok, still without details)."""
    result = _run(["shell", "-c", PROBE], {**PRODUCTION, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"})
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("PROBE "))
    out = json.loads(line[len("PROBE ") :])
    assert out["public_diagnostics"] is False and out["debug"] is False
    for path in DOCS:
        assert out[path]["status"] == 401, out[path]
        assert "openapi" not in out[path]["body"].lower() and "swagger" not in out[path]["body"].lower()
    assert out["/healthz/"]["status"] == 503 and json.loads(out["/healthz/"]["body"]) == {"ok": False}
    missing = out["/no-such-page/"]
    assert missing["status"] == 404
    for debug_words in ("Traceback", "URLconf", "DEBUG = True", "Django tried these URL patterns"):
        assert debug_words not in missing["body"]
    assert _setting("PUBLIC_DIAGNOSTICS", {}) == "True"  # the embedded default
