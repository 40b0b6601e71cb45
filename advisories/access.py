"""Who may do what with the advisories (accounts/roles.py)."""

from __future__ import annotations

from accounts.roles import STAFF, Role

#: Every staff role reads them (a unit its own orders, a county its own tasks).
READERS: frozenset[str] = STAFF
#: The office director confirms and ends the ozone prompt (the plan names no signatory, §10).
OFFICE: frozenset[str] = frozenset({Role.OFFICE})
#: A member unit acknowledges its own §5.3.4 order and confirms it in place.
UNIT_USERS: frozenset[str] = frozenset({Role.UNIT})
#: A county acknowledges and answers its own area's SO2 task.
COUNTY_USERS: frozenset[str] = frozenset({Role.COUNTY})
