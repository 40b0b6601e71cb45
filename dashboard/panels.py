"""The dashboard's panels: who may see each one (the same rule as the page it summarises), what
it loads (dashboard/selectors.py) and how often the page refreshes it; and the order per role — the
leaders start from their inbox, a member unit from its orders and reports, a county from its
on-duty confirmations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from accounts.roles import AUDIT_READERS, LEADERS, OFFICE_AND_ADMIN, STAFF, Role
from deadlines.access import DEADLINE_READERS
from upkeep.access import READERS as PLAN_READERS
from upkeep.selectors import plan_status

from . import selectors

#: The same readers as the pages these panels link to (alerts/views/pages.py, deadlines/access.py, response/access.py).
FORM_READERS: frozenset[str] = frozenset({Role.OFFICE, Role.FORECASTER, Role.SUPERVISOR, Role.ADMIN, *LEADERS})
COMPLIANCE_READERS: frozenset[str] = frozenset({Role.OFFICE, Role.ADMIN, Role.SUPERVISOR, *LEADERS})
DELIVERY_READERS: frozenset[str] = OFFICE_AND_ADMIN


@dataclass(frozen=True)
class Panel:
    roles: frozenset[str]
    load: Callable[[object], dict]
    every: int = 15  # seconds between refreshes


def _deadlines() -> dict:
    rows = selectors.running_deadlines()
    return {"deadlines": selectors.grouped_deadlines(rows), "deadline_count": len(rows)}


PANELS: dict[str, Panel] = {
    "inbox": Panel(LEADERS, lambda user: {"inbox": selectors.inbox(user)}),
    "status": Panel(STAFF, lambda user: {"status": selectors.city_status()}),
    "pending": Panel(FORM_READERS, lambda user: {"pending": selectors.pending_forms()}),
    "deadlines": Panel(DEADLINE_READERS, lambda user: _deadlines()),
    "compliance": Panel(COMPLIANCE_READERS, lambda user: {"compliance": selectors.report_compliance()}),
    "deliveries": Panel(DELIVERY_READERS, lambda user: {"deliveries": selectors.delivery_counts()}),
    "audit": Panel(AUDIT_READERS, lambda user: {"audit_entries": selectors.latest_audit()}),
    "forecast": Panel(STAFF, lambda user: {"forecast": selectors.forecast_chart()}, every=600),
    "orders": Panel(frozenset({Role.UNIT, Role.COUNTY}), lambda user: {"orders": selectors.my_orders(user)}),
    "reports": Panel(frozenset({Role.UNIT}), lambda user: {"reports": selectors.my_reports(user)}),
    "duty": Panel(frozenset({Role.COUNTY}), lambda user: {"duty": selectors.my_duty(user)}),
    "revision": Panel(PLAN_READERS, lambda user: {"plan": plan_status(count_suggestions=False)}, every=600),
}

CITY = ("status", "pending", "deadlines", "compliance", "deliveries", "forecast", "audit", "revision")
LAYOUTS: dict[str, tuple[str, ...]] = {
    Role.VICE_COMMANDER: ("inbox", "status", "deadlines", "pending", "compliance", "forecast", "audit"),
    Role.COMMANDER: ("inbox", "status", "deadlines", "pending", "compliance", "forecast", "audit"),
    Role.UNIT: ("orders", "reports", "status", "forecast"),
    Role.COUNTY: ("duty", "orders", "status", "forecast"),
}


def layout_for(role: str) -> list[str]:
    """The panels a role sees, in order; never one its role may not read."""
    return [name for name in LAYOUTS.get(role, CITY) if role in PANELS[name].roles]
