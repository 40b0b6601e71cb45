"""Settings come from the environment; the embedded default and production both hold."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PRODUCTION = {
    "SECRET_KEY": "x" * 40 + "-production-secret-for-the-check-only-9f8e7d6c5b4a",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "aqi.yq.gov.cn",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/yangquan",
    "REDIS_URL": "redis://127.0.0.1:6379/5",
    "SMS_BACKEND": "console",
}


def _run(args, extra_env, drop=()):
    env = {k: v for k, v in os.environ.items() if k not in {*PRODUCTION, *drop}}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_production_variables():
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def _setting(name, extra_env):
    code = f"from django.conf import settings; print(repr(settings.{name}))"
    result = _run(["shell", "-c", code], extra_env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_embedded_default_is_sqlite_eager_and_local_memory():
    env = {}
    assert "sqlite3" in _setting("DATABASES['default']['ENGINE']", env)
    assert _setting("CELERY_TASK_ALWAYS_EAGER", env) == "True"
    assert "LocMemCache" in _setting("CACHES['default']['BACKEND']", env)
    assert _setting("DEMO_ACCOUNTS_ALLOWED", env) == "True"


def test_production_variables_select_postgres_redis_and_no_demo():
    assert "postgresql" in _setting("DATABASES['default']['ENGINE']", PRODUCTION)
    assert _setting("CELERY_TASK_ALWAYS_EAGER", PRODUCTION) == "False"
    assert "RedisCache" in _setting("CACHES['default']['BACKEND']", PRODUCTION)
    assert _setting("DEMO_ACCOUNTS_ALLOWED", PRODUCTION) == "False"
    assert _setting("DEBUG", PRODUCTION) == "False"


def test_bad_sms_backend_is_refused_at_start():
    result = _run(["check"], {"SMS_BACKEND": "pigeon"})
    assert result.returncode != 0 and "SMS_BACKEND" in result.stderr


def test_time_zone_and_languages():
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.USE_TZ
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]


def test_sqlite_database_url_opens_without_postgres_options(tmp_path):
    # `check --database default` connects, so libpq-only OPTIONS would make sqlite3.connect() refuse.
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    result = _run(["check", "--database", "default"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    options = _setting("DATABASES['default']['OPTIONS']", env)
    assert "connect_timeout" not in options
    assert "'transaction_mode': 'IMMEDIATE'" in options and "'timeout': 20" in options


def test_postgres_database_url_keeps_its_connect_timeout():
    assert _setting("DATABASES['default']['OPTIONS']['connect_timeout']", PRODUCTION) == "5"
    env = {**PRODUCTION, "DB_CONNECT_TIMEOUT": "9"}
    assert _setting("DATABASES['default']['OPTIONS']['connect_timeout']", env) == "9"
    assert "transaction_mode" not in _setting("DATABASES['default']['OPTIONS']", PRODUCTION)
