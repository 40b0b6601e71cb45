"""Who may do what with the plan's upkeep (accounts/roles.py)."""

from __future__ import annotations

from accounts.roles import LEADERS, Role

#: The office runs the plan's management (§9.1.4: 由市重污染应急指挥部办公室修订; §6: 办公室组织总结).
OFFICE: frozenset[str] = frozenset({Role.OFFICE})
#: The plan's clock, the triggers, decisions and suggestions: the office, the leaders, the
#: supervision group and the administrators read them.
READERS: frozenset[str] = frozenset({Role.OFFICE, Role.ADMIN, Role.SUPERVISOR, *LEADERS})
#: Trainings: the readers above, and a member unit (its own trainings only).
TRAINING_READERS: frozenset[str] = frozenset({*READERS, Role.UNIT})
#: The office enters any training; a member unit those it organised itself (checked on the server).
TRAINING_WRITERS: frozenset[str] = frozenset({Role.OFFICE, Role.UNIT})
