"""Who may do what in supervision (accounts/roles.py)."""

from __future__ import annotations

from accounts.roles import LEADERS, Role

from .services import INSPECTORS, TIPOFF_ANSWERERS, TIPOFF_HANDLERS

#: Inspections are recorded by the supervision group; the office, the leaders and admins read them.
INSPECTION_WRITERS: frozenset[str] = INSPECTORS
INSPECTION_READERS: frozenset[str] = frozenset({Role.SUPERVISOR, Role.OFFICE, Role.ADMIN, *LEADERS})
#: Enforcement actions (§7.2) are ordered, followed up and closed by the supervision group; read as inspections.
ENFORCEMENT_WRITERS: frozenset[str] = INSPECTORS
ENFORCEMENT_READERS: frozenset[str] = INSPECTION_READERS
#: Tip-offs are verified, entered (hotlines) and routed by the office and the supervision group;
#: leaders and admins read them.
TIPOFF_WRITERS: frozenset[str] = TIPOFF_HANDLERS
TIPOFF_READERS: frozenset[str] = frozenset({Role.SUPERVISOR, Role.OFFICE, Role.ADMIN, *LEADERS})
#: A member unit (or a county, for its government) sees and answers the tip-offs routed to it.
TIPOFF_UNIT_USERS: frozenset[str] = TIPOFF_ANSWERERS
TIPOFF_LIST_READERS: frozenset[str] = TIPOFF_READERS | TIPOFF_UNIT_USERS
