"""Who may do what in supervision (accounts/roles.py)."""

from __future__ import annotations

from accounts.roles import LEADERS, Role

from .services import INSPECTORS, TIPOFF_HANDLERS

#: Inspections are recorded by the supervision group; the office, the leaders and admins read them.
INSPECTION_WRITERS: frozenset[str] = INSPECTORS
INSPECTION_READERS: frozenset[str] = frozenset({Role.SUPERVISOR, Role.OFFICE, Role.ADMIN, *LEADERS})
#: Tip-offs are verified by the office and the supervision group; leaders and admins read them.
TIPOFF_WRITERS: frozenset[str] = TIPOFF_HANDLERS
TIPOFF_READERS: frozenset[str] = frozenset({Role.SUPERVISOR, Role.OFFICE, Role.ADMIN, *LEADERS})
