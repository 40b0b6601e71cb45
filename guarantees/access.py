"""Who may do what with the guarantees (accounts/roles.py). A member unit and a county keep
only their own rows: checked again by the services."""

from __future__ import annotations

from accounts.roles import LEADERS, STAFF, Role

OFFICE: frozenset[str] = frozenset({Role.OFFICE})
#: The roster: the office keeps its own and every unit's; a unit its own; a county its government's.
DUTY_READERS: frozenset[str] = frozenset({Role.OFFICE, Role.ADMIN, Role.SUPERVISOR, Role.UNIT, Role.COUNTY, *LEADERS})
DUTY_WRITERS: frozenset[str] = frozenset({Role.OFFICE, Role.UNIT, Role.COUNTY})
#: The gaps (nobody on duty now): the office and those who follow the response.
GAP_READERS: frozenset[str] = frozenset({Role.OFFICE, Role.ADMIN, Role.SUPERVISOR, *LEADERS})
#: The contact list is everybody's address book (通讯录); a unit or a county confirms its own.
CONTACT_READERS: frozenset[str] = STAFF
CONTACT_KEEPERS: frozenset[str] = frozenset({Role.UNIT, Role.COUNTY})
#: The register of supplies and funds: kept by the office.
SUPPLY_READERS: frozenset[str] = frozenset({Role.OFFICE, Role.ADMIN, Role.SUPERVISOR, *LEADERS})
