"""Mobile numbers (手机号码): the one rule of what an 11-digit mainland number is, for the contacts'
form (models) and the deliveries alike."""

from __future__ import annotations

import re

_PHONE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(raw: str | None) -> str | None:
    """An 11-digit mainland mobile number, or None: spaces, dashes and a +86/0086 prefix go."""
    if not raw:
        return None
    digits = re.sub(r"[\s\-()]", "", str(raw))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix) :]
            break
    return digits if _PHONE.match(digits) else None
