from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from audit.services import audit_record
from command.models import Area, MemberUnit

from .models import User
from .roles import Role

DEMO_PASSWORD = "demo"  # noqa: S105 - interfaces.md §3; demo accounts exist only on the embedded default


class DemoNotAllowedError(Exception):
    pass


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    label: str
    unit_slug: str | None = None
    area_code: str | None = None
    #: A made-up mobile number (console SMS on the embedded default) so the approver and office
    #: notices of a demo are delivered instead of failing for want of a number.
    mobile: str = ""


def demo_accounts() -> list[DemoAccount]:
    """The accounts of interfaces.md §3, plus one per county-level area and one supervisor and
    one administrator so that every role can be tried."""
    accounts = [
        DemoAccount("office", Role.OFFICE, "应急指挥部办公室", mobile="13803530001"),
        DemoAccount("vice", Role.VICE_COMMANDER, "副总指挥", mobile="13803530002"),
        DemoAccount("commander", Role.COMMANDER, "总指挥", mobile="13803530003"),
        DemoAccount("monitor", Role.FORECASTER, "预报预警组", mobile="13803530004"),
        DemoAccount("supervisor", Role.SUPERVISOR, "督导检查组"),
        DemoAccount("admin", Role.ADMIN, "系统管理员"),
    ]
    for unit in MemberUnit.objects.order_by("order"):
        accounts.append(DemoAccount(f"unit-{unit.slug}", Role.UNIT, unit.name, unit_slug=unit.slug))
    for area in Area.objects.exclude(kind=Area.Kind.CITY).order_by("order"):
        accounts.append(DemoAccount(f"county-{area.code}", Role.COUNTY, area.name, area_code=area.code))
    return accounts


def demo_seed() -> tuple[list[DemoAccount], int]:
    """Create the demo accounts that do not exist yet; return them all and how many were new."""
    if not settings.DEMO_ACCOUNTS_ALLOWED:
        raise DemoNotAllowedError("演示账户只在内置默认环境（无 DATABASE_URL）中创建；生产环境不创建。")
    accounts = demo_accounts()
    created = 0
    with transaction.atomic():
        for account in accounts:
            if User.objects.filter(username=account.username).exists():
                continue
            user = User(
                username=account.username,
                last_name=account.label,
                role=account.role,
                mobile=account.mobile,
                unit=MemberUnit.objects.get(slug=account.unit_slug) if account.unit_slug else None,
                area=Area.objects.get(code=account.area_code) if account.area_code else None,
                is_staff=account.role == Role.ADMIN,
                is_superuser=account.role == Role.ADMIN,
            )
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
            created += 1
        if created:
            audit_record(actor=None, action="accounts.demo.seeded", data={"created": created})
    return accounts, created
