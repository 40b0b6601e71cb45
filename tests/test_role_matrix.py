"""Every page and API endpoint in the URL configuration, tried by every role and by nobody.

The expected outcome is derived from the access rule the view declares (accounts/roles.py);
a view that declares none fails here, so a new endpoint cannot ship without a rule.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.permissions import declared_access
from accounts.roles import PUBLIC, Role

# Example arguments for routes with parameters, by route name.
EXAMPLES: dict[str, dict] = {
    "command:unit": {"slug": "jiaotong"},
    "command:group": {"slug": "forecast"},
    "area-detail": {"code": "140321"},
    "unit-detail": {"slug": "jiaotong"},
    "group-detail": {"slug": "supervision"},
    "expert-detail": {"seq": 1},
    # --- forecasts examples (add yours below; objects they name are created by the fixture `route_objects`) ---
    # publication: the written report of Warning pk=1; the CAP alert of ApprovalForm pk=1 (a draft there → 404, public)
    "alerts:report": {"warning_id": 1},
    "alerts:cap-alert": {"form_id": 1},
    # alerts pages: Warning pk=1 with its draft ApprovalForm pk=1 (route_objects)
    "alerts:warning": {"pk": 1},
    **{f"alerts:{name}": {"pk": 1} for name in (
        "form", "form-edit", "form-submit", "form-withdraw", "form-redraft", "form-approve", "form-reject")},
    # response/supervision: Order, DailyReport (+ attachment), Inspection (+ photo), TipOff pk=1 (route_objects);
    # absent → 404 for allowed roles (POST-only routes: 405), 403 for others
    **{f"response:{name}": {"pk": 1} for name in ("order", "order-acknowledge", "order-in-place", "report")},
    "response:report-attachment": {"pk": 1, "attachment_id": 1},
    **{f"supervision:{name}": {"pk": 1} for name in (
        "inspection", "inspection-edit", "inspection-follow-up", "inspection-delete", "tipoff-detail", "tipoff-action")},
    "supervision:inspection-photo": {"pk": 1, "photo_id": 1},
    "api-order-acknowledge": {"pk": 1},
    "api-order-in-place": {"pk": 1},
    "api-inspection": {"pk": 1},
    # reviews: the lifted Warning pk=2 and DrillRecord pk=1 (route_objects); POST-only reopen → 405 on GET
    **{f"reviews:{name}": {"warning_id": 2} for name in (
        "summary", "summary-edit", "summary-finalize", "summary-reopen", "summary-print",
        "evaluation", "evaluation-edit", "evaluation-print")},
    **{f"reviews:{name}": {"pk": 1} for name in ("drill", "drill-edit", "drill-print")},
    "forecasts:import-detail": {"pk": 1},  # ForecastImport pk=1 (route_objects); absent → 404 for allowed roles
    # the lead's: warnings API on Warning pk=1; replays on Replay pk=1; notices (POST-only → 405 on GET)
    **{name: {"pk": 1} for name in ("api-warning", "api-warning-approve", "api-warning-reject")},
    **{f"forecasts:{name}": {"pk": 1} for name in ("replay", "replay-stop")},
    "notifications:read": {"pk": 1},
    "forecast-import-detail": {"pk": 1},
    "forecasts:evaluation": {"pk": 1},
    "forecasts:evaluation-json": {"pk": 1},
    "forecasts:consultation": {"pk": 1},
    "forecast-evaluation-detail": {"pk": 1},
}
# Third-party views that guard themselves (Django admin: is_staff), tested separately below.
SELF_GUARDED_NAMESPACES = {"admin"}
# Where an anonymous visitor is sent instead of the login page: "/" shows the public page.
ANONYMOUS_REDIRECTS = {"core:home": "/public/"}


def _walk(patterns, prefix_ns=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns in SELF_GUARDED_NAMESPACES:
                continue
            full_ns = f"{prefix_ns}{ns}:" if ns else prefix_ns
            yield from _walk(p.url_patterns, full_ns)
        elif isinstance(p, URLPattern):
            if not p.name:
                continue
            yield f"{prefix_ns}{p.name}", p


def _view_class(pattern: URLPattern):
    cb = pattern.callback
    return getattr(cb, "view_class", None) or getattr(cb, "cls", None) or cb


def _routes():
    seen = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if re.search(r"\\.\(\?P<format>", str(pattern.pattern)) or name in seen:
            continue
        seen[name] = pattern
    return sorted(seen.items())


ROUTES = _routes()
ROLES = [None, *Role.values]


def test_every_route_declares_an_access_rule():
    undeclared = [name for name, p in ROUTES if declared_access(_view_class(p), "GET") is None]
    assert undeclared == [], f"这些路由没有声明访问规则：{undeclared}"


def test_every_route_with_parameters_has_an_example():
    missing = [name for name, p in ROUTES if p.pattern.regex.groups and name not in EXAMPLES]
    assert missing == [], f"这些带参数的路由缺少示例参数：{missing}"


@pytest.fixture
def route_objects(make_user):
    """The objects EXAMPLES name, so that routes with ids render for the roles allowed to see them."""
    from django.utils import timezone

    from alerts.models import ApprovalForm, Warning

    warning = Warning.objects.create(pk=1, number="阳泉重污染预警〔示例〕第1号", status=Warning.Status.PENDING, level="none")
    ApprovalForm.objects.create(
        pk=1, warning=warning, action="issue", from_level="none", level="orange", approver_role="vice_commander",
        effective_at=timezone.now(), basis="示例依据", content="示例内容", drafted_by=make_user(Role.OFFICE),
    )
    # --- more route objects (add yours below) ---
    # reviews: a lifted Warning pk=2 (附件6/附件8 pages need a published warning) and DrillRecord pk=1
    import datetime as dt

    from reviews.models import DrillRecord

    Warning.objects.create(pk=2, number="阳泉重污染预警〔示例〕第2号", status=Warning.Status.LIFTED, level="none",
                           published_at=timezone.now() - dt.timedelta(days=2), lifted_at=timezone.now())
    DrillRecord.objects.create(pk=1, location="示例地点", commander="示例", held_at=timezone.now(), participants="示例",
                               mode="桌面推演", recorder="示例", recorded_on=timezone.localdate())
    from forecasts.models import Replay

    Replay.objects.create(pk=1, name="示例回放", source_file="/dev/null", step="day", start=timezone.now(),
                          end=timezone.now(), status=Replay.Status.FINISHED)
    # forecasts pages: Evaluation pk=1 and the Consultation pk=1 attached to it
    from forecasts.models import Consultation, Evaluation

    evaluation = Evaluation.objects.create(
        pk=1, trigger=Evaluation.Trigger.MANUAL, now=timezone.now(), level="none", recommendation="none",
        result={"level": "none", "processes": [], "so2_alerts": [], "reasons": ["示例评估"], "windows": []},
    )
    Consultation.objects.create(pk=1, kind=Consultation.Kind.REALTIME, evaluation=evaluation)


@pytest.mark.parametrize("route", [name for name, _ in ROUTES])
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_role_matrix(route, role, client, make_user, route_objects):
    pattern = dict(ROUTES)[route]
    view = _view_class(pattern)
    access = declared_access(view, "GET")
    url = reverse(route, kwargs=EXAMPLES.get(route))
    if role is not None:
        client.force_login(make_user(role))
    response = client.get(url)
    is_api = url.startswith("/api/")
    if access is PUBLIC or (role is not None and role in access):
        assert response.status_code not in (401, 403), f"{role} 应能访问 {url}，却得到 {response.status_code}"
        if response.status_code in (301, 302):
            assert "/accounts/login/" not in response["Location"]
        assert response.status_code < 500
    elif role is None:
        if is_api:
            assert response.status_code in (401, 403), f"未登录访问 {url} 应被拒绝，得到 {response.status_code}"
        else:
            expected = ANONYMOUS_REDIRECTS.get(route, "/accounts/login/")
            assert response.status_code == 302 and response["Location"].startswith(expected), (
                f"未登录访问 {url} 应转到登录页，得到 {response.status_code}"
            )
    else:
        assert response.status_code == 403, f"{role} 不应能访问 {url}，却得到 {response.status_code}"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_admin_site_only_for_administrators(role, client, make_user):
    if role is not None:
        user = make_user(role, is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
        client.force_login(user)
    response = client.get("/admin/command/memberunit/")
    if role == Role.ADMIN:
        assert response.status_code == 200
        assert "市交通运输局" in response.content.decode()
    else:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_api_refusal_is_403_with_readable_detail(client, make_user):
    """No API write exists yet for everybody; a GET refused by role still explains itself."""
    client.force_login(make_user(Role.UNIT))
    response = client.get("/api/v1/command/units/")
    assert response.status_code == 200
    client.logout()
    response = client.get("/api/v1/command/units/")
    assert response.status_code in (401, 403)
    assert "detail" in response.json()
