"""The zh/en switch works on every page: every GET route of the URL configuration that answers a
permitted role with an HTML page is requested in Chinese (the default) and in English (after the
switch), and must say which language it speaks (<html lang>), carry the switch, and put its
chrome — the title and the menu — in English once English is chosen.

Routes, their example arguments and the objects they name come from tests/test_role_matrix.py."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.permissions import declared_access
from accounts.roles import PUBLIC, Role
from tests.test_role_matrix import EXAMPLES, ROUTES, _view_class, route_objects  # noqa: F401 - route_objects is a fixture

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
#: Who opens a page: the first permitted role in this order (anonymous for public pages).
PREFERENCE = [
    Role.OFFICE,
    Role.ADMIN,
    Role.VICE_COMMANDER,
    Role.COMMANDER,
    Role.FORECASTER,
    Role.SUPERVISOR,
    Role.UNIT,
    Role.COUNTY,
]


def page_routes() -> list[tuple[str, str | None]]:
    """(route, role) for each non-API route a role (or the public) may GET."""
    found = []
    for name, pattern in ROUTES:
        access = declared_access(_view_class(pattern), "GET")
        if access is None or reverse(name, kwargs=EXAMPLES.get(name)).startswith("/api/"):
            continue
        if access is PUBLIC:
            found.append((name, None))
            continue
        role = next((r for r in PREFERENCE if r in access), None)
        if role is not None:
            found.append((name, role))
    return found


PAGES = page_routes()


def _get(client, route: str):
    return client.get(reverse(route, kwargs=EXAMPLES.get(route)))


def _is_html_page(response) -> bool:
    return (
        response.status_code == 200
        and response["Content-Type"].startswith("text/html")
        and (b"<html" in response.content[:400])
    )


def assert_switch(html: str, *, to: str, route: str) -> None:
    """The switch: the language form of base.html (POST /i18n/setlang/) or, on pages that cannot
    carry a per-person CSRF token (the cached public page, print pages), a link to /language/."""
    found = re.search(r"<(form|p)[^>]*data-language-switch[^>]*>(.*?)</\1>", html, re.S)
    assert found, f"{route}: no language switch"
    control = found.group(0)
    if found.group(1) == "form":
        assert reverse("set_language") in control and 'name="language"' in control and f'value="{to}"' in control
    else:
        assert f"{reverse('core:language')}?language={to}" in control, f"{route}: the switch does not offer {to}"


def _title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found, "the page has no <title>"
    return " ".join(found.group(1).split())


def _menu(html: str) -> str:
    found = re.search(r'<nav class="menu"[^>]*>(.*?)</nav>', html, re.S)
    return re.sub(r"<[^>]+>", " ", found.group(1)) if found else ""


def _data_strings() -> list[str]:
    """Names the pages show as stored (a warning's number, a unit's or an area's name, an uploaded
    file's name): data, not chrome, so they stay Chinese in English. Longest first, to remove them whole."""
    from alerts.models import Warning
    from command.models import Area, Expert, MemberUnit, WorkingGroup
    from forecasts.models import ForecastImport, Replay

    names: set[str] = set()
    names.update(Warning.objects.values_list("number", flat=True))
    names.update(Area.objects.values_list("name", flat=True))
    for model in (MemberUnit, WorkingGroup, Expert):
        names.update(model.objects.values_list("name", flat=True))
    names.update(MemberUnit.objects.values_list("short_name", flat=True))
    names.update(Replay.objects.values_list("name", flat=True))
    names.update(ForecastImport.objects.values_list("file_name", flat=True))
    return sorted((n for n in names if n), key=len, reverse=True)


def _untranslated(text: str, data: list[str]) -> list[str]:
    for name in data:
        text = text.replace(name, " ")
    return CJK.findall(text)


@pytest.mark.parametrize("route,role", PAGES, ids=[f"{r}-{role or 'anonymous'}" for r, role in PAGES])
def test_page_switches_between_chinese_and_english(route, role, client, make_user, route_objects):  # noqa: F811
    if role is not None:
        client.force_login(make_user(role))
    chinese = _get(client, route)
    if not _is_html_page(chinese):
        pytest.skip(f"{route} answers {chinese.status_code} {chinese.get('Content-Type', '')}, not an HTML page")
    zh = chinese.content.decode()
    assert '<html lang="zh-hans">' in zh
    assert_switch(zh, to="en", route=route)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _get(client, route)
    assert english.status_code == 200
    en = english.content.decode()
    assert '<html lang="en">' in en
    assert_switch(en, to="zh-hans", route=route)
    title_en = _title(en)
    left = _untranslated(title_en, _data_strings())
    assert not left, f"{route}: English title {title_en!r} has untranslated words {''.join(left)!r}"
    menu = _menu(en)
    assert not CJK.search(menu), f"{route}: menu not in English: {CJK.findall(menu)}"


def test_the_switch_sets_english_and_back(client, make_user):
    client.force_login(make_user(Role.OFFICE))
    assert '<html lang="zh-hans">' in client.get("/").content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/alerts/"})
    assert response.status_code == 302 and response["Location"] == "/alerts/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/alerts/").content.decode()
    assert '<html lang="en">' in html and "Warning" in _menu(html) and "Home" in _menu(html)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


def test_most_pages_were_checked():
    """The page list is derived from the URL configuration; it must not silently shrink."""
    assert len(PAGES) >= 60


def test_the_link_switch_of_the_public_page_sets_the_cookie(client, db):
    html = client.get("/public/").content.decode()
    assert '<html lang="zh-hans">' in html
    response = client.get(reverse("core:language"), {"language": "en", "next": "/public/"})
    assert response.status_code == 302 and response["Location"] == "/public/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/public/").content.decode()
    assert '<html lang="en">' in html
    assert f"{reverse('core:language')}?language=zh-hans" in html


def test_the_link_switch_refuses_other_languages_and_other_sites(client, db):
    response = client.get(reverse("core:language"), {"language": "fr", "next": "/public/"})
    assert response.status_code == 400 and "不支持的语言" in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    response = client.get(reverse("core:language"), {"language": "en", "next": "https://example.com/"})
    assert response.status_code == 302 and response["Location"] == "/"
