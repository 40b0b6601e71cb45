"""The public page behind nginx's micro-cache (deploy/nginx.conf, benchmarks/bench_public.py).

Django's side: an anonymous visitor's response says it may be shared for a second (``Cache-Control:
public, max-age=1``, ``Vary: Cookie`` for the language cookie, no Set-Cookie, ``X-Accel-Expires``
for nginx); a signed-in person's is never stored. nginx's side, with the production file rendered
for local ports in front of a live Django: one copy per language, served from the cache; a session
cookie bypasses it; a query string does not bust it; nginx's own header does not reach clients;
and a publication shows through the cache within 2 s.
"""
# ruff: noqa: S310 - local URLs only

from __future__ import annotations

import datetime as dt
import socket
import time
import urllib.request

import pytest
from django.utils import timezone

from accounts.roles import Role
from alerts import services
from publication.services import publish_form
from tests.factories import warning_content

PASSWORD = "correct horse battery"


def decide(make_user, action: str, level: str | None, *, people: dict | None = None) -> int:
    """A form through the services (draft, submit, approve); published by the outbox handler."""
    people = people or {"office": make_user(Role.OFFICE), "vice": make_user(Role.VICE_COMMANDER)}
    now = timezone.now()
    form = services.form_draft(
        actor=people["office"],
        action=action,
        level=level,
        basis="会商认为达到预警条件",
        content="启动应急响应",
        effective_at=now,
        episode_end=now + dt.timedelta(days=3) if action == "issue" else None,
        **warning_content(action),
    )
    services.form_submit(actor=people["office"], form_id=form.pk)
    services.form_approve(actor=people["vice"], form_id=form.pk, password=PASSWORD)
    publish_form({"form_id": form.pk})
    return form.pk


# ----------------------------------------------------------------------------- Django's headers


def test_anonymous_page_may_be_shared_for_one_second(client, db):
    before = int(time.time())
    response = client.get("/public/")
    assert response.status_code == 200
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert control == {"public", "max-age=1"}
    assert "Cookie" in {v.strip() for v in response["Vary"].split(",")}  # the language cookie picks the page
    assert not response.cookies, f"an anonymous visitor must get no cookie: {list(response.cookies)}"
    assert "Set-Cookie" not in response
    # nginx keeps it until the end of the second it was rendered in.
    assert response["X-Accel-Expires"].startswith("@")
    assert before <= int(response["X-Accel-Expires"][1:]) <= int(time.time())
    assert response["Content-Language"] == "zh-hans"


def test_the_language_cookie_gives_the_english_page_also_shareable(client, db):
    client.cookies["django_language"] = "en"
    response = client.get("/public/")
    assert response["Content-Language"] == "en"
    assert "Yangquan Heavy Air Pollution Warning Information" in response.content.decode()
    assert "public" in response["Cache-Control"] and not response.cookies


def test_a_signed_in_persons_page_is_never_stored(client, make_user):
    client.force_login(make_user(Role.OFFICE))
    response = client.get("/public/")
    assert response.status_code == 200
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store", "no-cache"} <= control and "public" not in control
    assert "X-Accel-Expires" not in response


def test_a_publication_leaves_the_new_page_rendered_in_every_language(make_user):
    """nginx's next refresh finds the page ready in Django's cache: no rendering under load."""
    from django.core.cache import cache
    from django.utils import translation

    from publication import page

    decide(make_user, "issue", "orange")
    for language, marker, level in (
        ("zh-hans", "阳泉市重污染天气预警信息", "橙色预警"),
        ("en", "Yangquan Heavy Air Pollution Warning Information", "Orange warning"),
    ):
        with translation.override(language):
            html = cache.get(page.page_cache_key(page._published()))
        assert html is not None, f"{language}: not rendered by the publication"
        assert f'class="public-level">{level}<' in html and marker in html


# ----------------------------------------------------------------------------- nginx in front


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, cookies: dict | None = None) -> tuple[int, dict, str]:
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as response:
        return response.status, dict(response.headers), response.read().decode()


@pytest.fixture
def nginx(live_server, tmp_path):
    """deploy/nginx.conf, rendered for a free local port, in front of the live Django."""
    from benchmarks.nginx_local import LocalNginx, nginx_binary, render_site, wait_http

    if nginx_binary() is None:
        pytest.skip("nginx is not installed (apt-get install nginx; .ci/run installs it)")
    upstream = live_server.url.split("://", 1)[1]
    port = _free_port()
    site = render_site(
        listen=port,
        upstream=upstream,
        static_root=tmp_path / "static",
        media_root=tmp_path / "media",
        cache_dir=tmp_path / "cache",
    )
    tmp_path.chmod(0o755)
    server = LocalNginx(tmp_path / "nginx", {"production": site}, access_log=False).start()
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz/", seconds=20, expect=None)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def served_from_cache(url: str, *, seconds: float = 3.0, cookies: dict | None = None) -> bool:
    """A HIT within ``seconds`` (a copy lives until the end of its second; right after, the next
    request is answered from the old copy while Django renders the new one)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if get(url, cookies)[1]["X-Cache-Status"] == "HIT":
            return True
        time.sleep(0.01)
    return False


def until_level(url: str, text: str, *, seconds: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if f'class="public-level">{text}<' in get(url)[2]:
            return time.monotonic() - start
        time.sleep(0.02)
    raise AssertionError(f"{text} not shown through nginx within {seconds} s")


def test_nginx_keeps_one_page_per_language_and_bypasses_sessions(nginx, make_user):
    decide(make_user, "issue", "yellow")
    url = f"{nginx}/public/"
    status, headers, chinese = get(url)
    assert status == 200 and 'class="public-level">黄色预警<' in chinese
    assert "X-Accel-Expires" not in headers  # nginx's own header stays with nginx
    assert headers["Cache-Control"] == "public, max-age=1"

    assert served_from_cache(url)
    assert get(f"{url}?nocache={time.time()}")[1]["X-Cache-Status"] in {"HIT", "UPDATING", "EXPIRED", "STALE"}

    # English is a copy of its own, never the Chinese one.
    _, english_headers, english = get(url, {"django_language": "en"})
    assert "Yangquan Heavy Air Pollution Warning Information" in english and english_headers["Content-Language"] == "en"
    assert "Yangquan Heavy" not in get(url)[2]
    assert served_from_cache(url, cookies={"django_language": "en"})
    assert "Yangquan Heavy" in get(url, {"django_language": "en"})[2]

    # A session cookie: straight to Django, and what it says (private) is passed on.
    _, session_headers, _ = get(url, {"sessionid": "anything"})
    assert session_headers["X-Cache-Status"] == "BYPASS"


def test_a_publication_shows_through_the_cache_within_two_seconds(nginx, make_user):
    people = {"office": make_user(Role.OFFICE), "vice": make_user(Role.VICE_COMMANDER)}
    decide(make_user, "issue", "yellow", people=people)
    url = f"{nginx}/public/"
    until_level(url, "黄色预警", seconds=5)
    assert served_from_cache(url)  # the yellow page is in nginx's cache

    decide(make_user, "upgrade", "orange", people=people)
    assert until_level(url, "橙色预警", seconds=5) <= 2.0
    decide(make_user, "lift", None, people=people)
    assert until_level(url, "当前无重污染天气预警", seconds=5) <= 2.0
