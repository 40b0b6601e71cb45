"""Who reads the plan's clocks: the office that keeps them, the leaders they escalate to,
supervision and administrators (the deadlines page, the clocks on a warning and its forms, the
dashboard's panel)."""

from __future__ import annotations

from accounts.roles import LEADERS, Role

DEADLINE_READERS: frozenset[str] = frozenset({Role.OFFICE, Role.SUPERVISOR, Role.ADMIN, *LEADERS})
#: Who closes a notice's form clock without a form, with a reason (§9): the office that keeps it.
NOTICE_CLOSERS: frozenset[str] = frozenset({Role.OFFICE})
