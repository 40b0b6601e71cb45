"""Who may do what with the counties' headquarters, offices and extra measures (accounts/roles.py).
The role admits; the services and selectors then hold a county to its own area."""

from __future__ import annotations

from accounts.roles import LEADERS, STAFF, Role

#: Every staff role reads the counties' contacts (a county only its own area's).
READERS: frozenset[str] = STAFF
#: The office keeps every county's lists; a county its own.
EDITORS: frozenset[str] = frozenset({Role.OFFICE, Role.COUNTY})
#: A county files the extra measures of its own area.
FILERS: frozenset[str] = frozenset({Role.COUNTY})
#: The extra measures, their print page and Excel: the office and those who oversee, a county its own.
MEASURE_READERS: frozenset[str] = frozenset({Role.OFFICE, Role.ADMIN, Role.SUPERVISOR, Role.COUNTY, *LEADERS})
#: The printable and Excel contact lists.
PRINTERS: frozenset[str] = MEASURE_READERS
