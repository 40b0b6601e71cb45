from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEntry
from command.models import MemberUnit

PASSWORD = "correct horse battery"


def test_login_page_speaks_chinese(client):
    html = client.get("/accounts/login/").content.decode()
    assert "登录" in html and "用户名" in html and "密码" in html


def test_login_page_switches_to_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    html = client.get("/accounts/login/").content.decode()
    assert "Log in" in html and 'lang="en"' in html


def test_login_then_home_then_logout_by_post_only(client, make_user):
    user = make_user(Role.OFFICE, username="zhang")
    response = client.post("/accounts/login/", {"username": "zhang", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "您好" in client.get("/").content.decode()
    assert client.get("/accounts/logout/").status_code == 405  # a GET never logs out
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302
    actions = list(AuditEntry.objects.filter(actor=user).values_list("action", flat=True))
    assert "auth.login" in actions and "auth.logout" in actions


def test_repeated_failed_logins_lock_the_account(client, make_user, settings):
    make_user(Role.OFFICE, username="li")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/accounts/login/", {"username": "li", "password": "wrong"})
    assert response.status_code in (403, 429)
    assert "锁定" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post("/accounts/login/", {"username": "li", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="auth.login.failed", data__username="li").count() >= 4


def test_one_failure_does_not_lock(client, make_user):
    make_user(Role.OFFICE, username="wang")
    client.post("/accounts/login/", {"username": "wang", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "wang", "password": PASSWORD})
    assert response.status_code == 302


def test_api_token_login_and_use(client, make_user):
    make_user(Role.FORECASTER, username="monitor1")
    response = client.post("/api/v1/auth/token/", {"username": "monitor1", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert me["role"] == "forecaster" and me["username"] == "monitor1"
    bad = client.post("/api/v1/auth/token/", {"username": "monitor1", "password": "nope"})
    assert bad.status_code == 400


def test_unit_user_must_be_bound_to_a_unit(plan):
    user = User(username="x", role=Role.UNIT)
    with pytest.raises(ValidationError):
        user.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="y", role=Role.UNIT)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="z", role=Role.OFFICE, unit=MemberUnit.objects.first())


def test_seed_demo_creates_the_accounts_once(plan, settings, capsys):
    settings.DEMO_ACCOUNTS_ALLOWED = True
    call_command("seed_demo")
    first = User.objects.count()
    out = capsys.readouterr().out
    assert "密码均为「demo」" in out and "unit-jiaotong" in out
    call_command("seed_demo")
    assert User.objects.count() == first
    assert "新建 0 个" in capsys.readouterr().out
    for username, role in [
        ("office", "office"),
        ("vice", "vice_commander"),
        ("commander", "commander"),
        ("monitor", "forecaster"),
        ("unit-jiaotong", "unit"),
    ]:
        user = User.objects.get(username=username)
        assert user.role == role and user.check_password("demo")
    assert User.objects.get(username="unit-jiaotong").unit.name == "市交通运输局"
    assert User.objects.filter(role=Role.UNIT).count() == 33
    # the approvers and the office can receive the demo's SMS notices (console transport)
    from notifications.phones import normalise_phone

    for username in ("office", "vice", "commander"):
        assert normalise_phone(User.objects.get(username=username).mobile)


def test_seed_demo_refused_in_production(plan, settings):
    settings.DEMO_ACCOUNTS_ALLOWED = False
    with pytest.raises(CommandError, match="生产环境不创建"):
        call_command("seed_demo")
    assert not User.objects.filter(username="office").exists()
