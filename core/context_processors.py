from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import AUDIT_READERS, OFFICE_AND_ADMIN, STAFF, allows

# (label, url name, roles): the menu shows a person only what they may open.
MENU = [
    (_("首页"), "core:home", STAFF),
    (_("指挥体系"), "command:overview", STAFF),
    (_("审计日志"), "audit:list", AUDIT_READERS),
    (_("系统状态"), "core:system", OFFICE_AND_ADMIN),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    items = [
        {"label": label, "url": reverse(name), "active": request.path == reverse(name)}
        for label, name, roles in MENU
        if allows(roles, user.role, authenticated=True)
    ]
    return {"menu": items}
