"""Roles of the people who use the system, and the access rule every view declares.

A view states who may read it (`allowed_roles`) and who may change something through it
(`write_roles`, default: the same). A view that declares nothing is refused to everybody,
and the role-matrix test fails for it: access is never implicit.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "office", _("应急指挥部办公室")
    FORECASTER = "forecaster", _("预报预警组")
    VICE_COMMANDER = "vice_commander", _("副总指挥")
    COMMANDER = "commander", _("总指挥")
    UNIT = "unit", _("成员单位")
    COUNTY = "county", _("县区")
    SUPERVISOR = "supervisor", _("督导检查组")
    ADMIN = "admin", _("系统管理员")


class _Public:
    """Anyone, logged in or not (the public page, the login page)."""

    def __repr__(self) -> str:
        return "PUBLIC"


PUBLIC = _Public()
STAFF: frozenset[str] = frozenset(Role.values)
LEADERS: frozenset[str] = frozenset({Role.VICE_COMMANDER, Role.COMMANDER})
OFFICE_AND_ADMIN: frozenset[str] = frozenset({Role.OFFICE, Role.ADMIN})
AUDIT_READERS: frozenset[str] = frozenset({Role.OFFICE, Role.ADMIN, Role.SUPERVISOR, *LEADERS})
NOBODY: frozenset[str] = frozenset()
# Roles that sign, file or administer: password plus a second factor (accounts/twofactor.py).
TWO_FACTOR_ROLES: frozenset[str] = frozenset({Role.OFFICE, Role.ADMIN, *LEADERS})

AccessSet = frozenset[str] | _Public


def allows(access: AccessSet, role: str | None, *, authenticated: bool) -> bool:
    if access is PUBLIC:
        return True
    return authenticated and role in access
