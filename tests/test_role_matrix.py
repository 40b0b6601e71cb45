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
from tests.factories import example_objects

# Example arguments for routes with parameters, by route name.
EXAMPLES: dict[str, dict] = {
    "command:unit": {"slug": "jiaotong"},
    "command:group": {"slug": "forecast"},
    "area-detail": {"code": "140321"},
    "unit-detail": {"slug": "jiaotong"},
    "group-detail": {"slug": "supervision"},
    "expert-detail": {"seq": 1},
    # The objects named below are created by the fixture `route_objects` (tests/factories.py: example_objects);
    # test_every_example_object_exists checks that each of these routes renders for a role it allows.
    # publication: the written report of Warning pk=1; the CAP alert of the approved ApprovalForm pk=2 (warning pk=3)
    "publication:report": {"warning_id": 1},
    "publication:cap-alert": {"form_id": 2},
    # the channels of the published ApprovalForm pk=2 (§4.2.4); 政务微博 pending, for the office to confirm
    "publication:channels": {"form_id": 2},
    "api-publication-channels": {"form_id": 2},
    "api-publication-channel-confirm": {"form_id": 2, "channel": "weibo"},
    # alerts pages: Warning pk=1 with its draft ApprovalForm pk=1
    "alerts:warning": {"pk": 1},
    "alerts:notice-lift": {"pk": 1},  # ProvincialNotice pk=1 (POST-only → 405 on GET)
    # its 1-hour clock closed without a form (§9), page and API (POST-only → 405 on GET)
    "deadlines:notice-close": {"pk": 1},
    "api-notice-close": {"pk": 1},
    **{
        f"alerts:{name}": {"pk": 1}
        for name in ("form", "form-edit", "form-submit", "form-withdraw", "form-redraft", "form-approve", "form-reject")
    },
    # response/supervision: Order pk=1 and DailyReport pk=1 (+ attachment pk=1) of 交通运输局 in the response to
    # Warning pk=3, Inspection pk=1 (+ photo pk=1) in 140321, TipOff pk=1; POST-only routes: 405 on GET
    **{f"response:{name}": {"pk": 1} for name in ("order", "order-acknowledge", "order-in-place", "report")},
    "response:report-attachment": {"pk": 1, "attachment_id": 1},
    **{
        f"supervision:{name}": {"pk": 1}
        for name in (
            "inspection",
            "inspection-edit",
            "inspection-follow-up",
            "inspection-delete",
            "tipoff-detail",
            "tipoff-action",
        )
    },
    "supervision:inspection-photo": {"pk": 1, "photo_id": 1},
    # supervision enforcement and tip-offs: EnforcementAction pk=1 (a fine on Inspection pk=1), Enterprise pk=1,
    # TipOff pk=1 routed to 交通运输局 (POST-only enforcement-new/-step, tipoff answer/route → 405 on GET)
    **{
        f"supervision:{name}": {"pk": 1}
        for name in (
            "enforcement-new",
            "enforcement",
            "enforcement-step",
            "enterprise",
            "tipoff-answer",
            "tipoff-route",
        )
    },
    "api-tipoff-answer": {"pk": 1},
    "api-enforcement-action-step": {"pk": 1},
    "api-order-acknowledge": {"pk": 1},
    "api-order-in-place": {"pk": 1},
    "api-inspection": {"pk": 1},
    # reviews: the lifted Warning pk=2 (summary and evaluation) and DrillRecord pk=1; POST-only reopen → 405 on GET
    **{
        f"reviews:{name}": {"warning_id": 2}
        for name in (
            "summary",
            "summary-edit",
            "summary-finalize",
            "summary-reopen",
            "summary-print",
            "evaluation",
            "evaluation-edit",
            "evaluation-print",
        )
    },
    **{f"reviews:{name}": {"pk": 1} for name in ("drill", "drill-edit", "drill-print")},
    "forecasts:import-detail": {"pk": 1},  # ForecastImport pk=1
    # warnings API on Warning pk=1; Replay pk=1; Notification pk=1 of the office user (POST-only → 405 on GET);
    # Evaluation pk=1 with its Consultation pk=1
    **{name: {"pk": 1} for name in ("api-warning", "api-warning-approve", "api-warning-reject")},
    **{f"forecasts:{name}": {"pk": 1} for name in ("replay", "replay-stop")},
    "notifications:read": {"pk": 1},
    "forecast-import-detail": {"pk": 1},
    "forecasts:evaluation": {"pk": 1},
    "forecasts:evaluation-json": {"pk": 1},
    "forecasts:consultation": {"pk": 1},
    "forecast-evaluation-detail": {"pk": 1},
    # ApiToken pk=1 of the office user: its API detail (GET, DELETE) and the page's revoke button (POST-only → 405 on GET)
    "api-token-detail": {"pk": 1},
    "accounts:token-revoke": {"pk": 1},
    # advisories: OzonePrompt pk=1 in force, its OzoneOrder pk=1 of 交通运输局, So2Task pk=1 of 140321
    # (POST-only confirm, end, acknowledge, in-place, answer → 405 on GET)
    **{
        f"advisories:{name}": {"pk": 1}
        for name in (
            "ozone",
            "ozone-confirm",
            "ozone-end",
            "ozone-order",
            "ozone-order-acknowledge",
            "ozone-order-in-place",
            "so2",
            "so2-acknowledge",
            "so2-answer",
        )
    },
    **{
        name: {"pk": 1}
        for name in (
            "api-ozone-prompt-confirm",
            "api-ozone-prompt-end",
            "api-so2-task-acknowledge",
            "api-so2-task-answer",
        )
    },
    # counties: the area 140321 (its headquarters, CountyContact pk=1), ExtraMeasure pk=1 in the response to Warning
    # pk=3 (POST-only deletes → 405 on GET)
    **{f"counties:{name}": {"code": "140321"} for name in ("county", "county-print", "county-xlsx")},
    **{f"counties:{name}": {"code": "140321", "kind": "headquarters"} for name in ("body-edit", "contact-new")},
    **{
        f"counties:{name}": {"pk": 1} for name in ("contact-edit", "contact-delete", "measure-edit", "measure-withdraw")
    },
    **{f"counties:{name}": {"warning_id": 3} for name in ("measures", "measures-print", "measures-xlsx")},
    "api-county": {"code": "140321"},
    "api-county-contacts": {"code": "140321"},
    "api-county-contact": {"pk": 1},
    # upkeep: Training pk=1 of 交通运输局, Suggestion pk=1 (open) of the summary of the lifted Warning pk=2
    # (POST-only accept, reject, done → 405 on GET)
    **{
        f"upkeep:{name}": {"pk": 1}
        for name in (
            "training",
            "training-edit",
            "suggestion",
            "suggestion-accept",
            "suggestion-reject",
            "suggestion-done",
        )
    },
    "upkeep:summary-suggestions": {"warning_id": 2},
    **{
        name: {"pk": 1}
        for name in ("api-upkeep-suggestion-accept", "api-upkeep-suggestion-reject", "api-upkeep-suggestion-done")
    },
    # guarantees: DutySlot pk=1 of 交通运输局, UnitContact pk=1 of 交通运输局, SupplyItem pk=1 (POST-only → 405 on GET)
    **{
        f"guarantees:{name}": {"pk": 1}
        for name in (
            "duty-edit",
            "duty-remove",
            "contact-person",
            "contact-person-remove",
            "supply-edit",
            "supply-check",
            "supply-retire",
        )
    },
    "api-duty-slot": {"pk": 1},
}
# Third-party views that guard themselves (Django admin: is_staff), tested separately below.
SELF_GUARDED_NAMESPACES = {"admin"}
# Where an anonymous visitor is sent instead of the login page: "/" shows the public page.
ANONYMOUS_REDIRECTS = {"dashboard:home": "/public/"}


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
def route_objects(make_user, settings, tmp_path):
    """The objects EXAMPLES name (tests/factories.py: example_objects), so that routes with ids render
    for the roles allowed to see them. Returns the user of each role who drafted or received them
    (the office user is the recipient of Notification pk=1). Files are written under tmp_path."""
    settings.MEDIA_ROOT = tmp_path / "media"
    users = {role: make_user(role) for role in Role.values}
    example_objects(users)
    return users


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


# Who tries an example route first: the office sees every unit's and area's rows; the unit user
# (交通运输局) and the county user (140321) see their own, which are the examples' too.
PREFERENCE = [
    Role.OFFICE,
    Role.ADMIN,
    Role.VICE_COMMANDER,
    Role.COMMANDER,
    Role.SUPERVISOR,
    Role.FORECASTER,
    Role.UNIT,
    Role.COUNTY,
]
# What a POST-only route (405 on GET) is sent, so that the allowed write really runs on the example object.
POST_DATA: dict[str, dict] = {
    "alerts:form-reject": {"comment": "示例退回理由"},
    "api-warning-reject": {"comment": "示例退回理由"},
    "response:order-in-place": {"note": "示例落实情况"},
    "api-order-in-place": {"note": "示例落实情况"},
    "deadlines:notice-close": {"reason": "示例办结理由"},
    "api-notice-close": {"reason": "示例办结理由"},
    "advisories:ozone-order-in-place": {"note": "示例落实情况"},
    "advisories:so2-answer": {"answer": "示例管控措施"},
    "api-so2-task-answer": {"answer": "示例管控措施"},
    "api-county-contacts": {"kind": "office", "post": "办公室主任", "name": "示例", "mobile": "13800000002"},
    "supervision:enforcement-step": {"step": "follow_up", "note": "示例跟进"},
    "api-enforcement-action-step": {"step": "follow_up", "note": "示例跟进"},
    "api-tipoff-answer": {"verified": True, "answer": "示例答复"},
    "upkeep:suggestion-reject": {"reason": "示例理由"},
    "api-upkeep-suggestion-reject": {"reason": "示例理由"},
    "api-upkeep-suggestion-done": {"done_on": "2024-01-01", "note": "示例落实情况"},
}
# A POST may also be refused on the state of the object it found (409: order pk=1 is already in place,
# warning pk=1 has no submitted form) — the object was looked up and exists, the write path ran to its check.
# (The pages answer the same refusal with a redirect and a message.)
POST_REACHED = {409}


def _reached(status: int, method: str) -> bool:
    return 200 <= status < 400 or (method == "POST" and status in POST_REACHED)


def _first_success(client, users, url, roles, method, data=None):
    """Each role in turn until one reaches the object; returns {role: status} of those tried."""
    answers = {}
    for role in roles:
        client.force_login(users[role])
        if method == "GET":
            response = client.get(url)
        elif url.startswith("/api/"):
            response = client.post(url, data or {}, content_type="application/json")
        else:
            response = client.post(url, data or {})
        answers[role] = response.status_code
        if _reached(response.status_code, method):
            if response.status_code in (301, 302):
                assert "/accounts/login/" not in response["Location"], f"{url}: {role} sent to log in"
            break
    return answers


@pytest.mark.parametrize("route", sorted(EXAMPLES))
def test_every_example_object_exists(route, client, route_objects):
    """The objects EXAMPLES name exist and are visible: some role the route allows gets 2xx/3xx
    (a detail page that answers 404 to everybody would pass the matrix above untested).
    A route that answers GET with 405 is sent the POST it takes instead, by a role allowed to write."""
    users = route_objects
    view = _view_class(dict(ROUTES)[route])
    url = reverse(route, kwargs=EXAMPLES[route])

    def allowed(method):
        access = declared_access(view, method)
        return PREFERENCE if access is PUBLIC else [r for r in PREFERENCE if r in access]

    method = "GET"
    answers = _first_success(client, users, url, allowed(method), method)
    if set(answers.values()) == {405}:
        method = "POST"
        answers = _first_success(client, users, url, allowed(method), method, POST_DATA.get(route))
    assert any(_reached(status, method) for status in answers.values()), (
        f"{url}: 没有一个允许的角色能打开示例对象 / no allowed role reaches the example object: {answers}"
    )


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
