"""Secrets only from the environment; `ruff --select S` (bandit's rules) clean over the project."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.test_settings import PRODUCTION, _setting

ROOT = Path(settings.BASE_DIR)
SECRET_WORDS = ("SECRET", "TOKEN", "PASSWORD", "API_KEY")


def test_settings_assign_no_literal_secret_outside_the_embedded_default():
    tree = ast.parse((ROOT / "yangquan_aqi" / "settings.py").read_text(encoding="utf-8"))
    embedded_branch = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "EMBEDDED":
            embedded_branch.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    offenders = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign) or id(node) in embedded_branch:
            continue
        names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        if any(word in name for name in names for word in SECRET_WORDS):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str) and node.value.value:
                offenders.append(f"line {node.lineno}: {names}")
    assert offenders == [], offenders


def test_production_secrets_are_the_environment_values():
    env = {
        **PRODUCTION,
        "SMS_BACKEND": "http",
        "SMS_GATEWAY_URL": "https://sms.example.invalid/send",
        "SMS_GATEWAY_TOKEN": "gateway-token-from-env",
    }
    assert _setting("SECRET_KEY", env) == repr(PRODUCTION["SECRET_KEY"])
    assert _setting("SMS_GATEWAY_TOKEN", env) == repr("gateway-token-from-env")
    assert "embedded-default" not in _setting("SECRET_KEY", env)
    # The database password comes from DATABASE_URL only.
    assert _setting(
        "DATABASES['default']['PASSWORD']", {**PRODUCTION, "DATABASE_URL": "postgres://u:pw-from-env@db/x"}
    ) == repr("pw-from-env")


def test_ruff_security_rules_are_clean():
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [str(ruff), "check", "--select", "S", "--output-format", "concise", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
