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
}
# Third-party views that guard themselves (Django admin: is_staff), tested separately below.
SELF_GUARDED_NAMESPACES = {"admin"}


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


@pytest.mark.parametrize("route", [name for name, _ in ROUTES])
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_role_matrix(route, role, client, make_user):
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
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), (
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
