"""Who may do what in the response pages and API (accounts/roles.py)."""

from __future__ import annotations

from accounts.roles import LEADERS, STAFF, Role

#: Member-unit users act for their own unit: acknowledge, confirm in place, file reports.
UNIT_USERS: frozenset[str] = frozenset({Role.UNIT})
#: Orders are read by every staff role; a unit (and a county) sees only its own.
ORDER_READERS: frozenset[str] = STAFF
#: Daily reports: the units (their own), the office, the leaders, the supervision group, admins.
REPORT_READERS: frozenset[str] = frozenset({Role.UNIT, Role.OFFICE, Role.ADMIN, Role.SUPERVISOR, *LEADERS})
#: The compliance grid and its export: the office and those who oversee it.
COMPLIANCE_READERS: frozenset[str] = frozenset({Role.OFFICE, Role.ADMIN, Role.SUPERVISOR, *LEADERS})
