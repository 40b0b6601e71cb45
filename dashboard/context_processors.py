"""The menu of every page: a person sees only what their role may open; the leaders' 待我审批
carries the number of forms awaiting them."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.roles import AUDIT_READERS, LEADERS, OFFICE_AND_ADMIN, STAFF, allows
from alerts.selectors import forms_awaiting

# (label, url name, roles): the menu shows a person only what they may open.
MENU = [
    (_("首页"), "dashboard:home", STAFF),
    (_("指挥体系"), "command:overview", STAFF),
    (_("减排措施"), "measures:index", STAFF),
    (_("预报预警"), "forecasts:page", STAFF),
    (_("年度空气质量"), "dashboard:aqi-year", STAFF),
    (_("数据导入"), "forecasts:imports", frozenset({"office", "forecaster", "admin"})),
    (_("会商"), "forecasts:consultations", frozenset({"office", "forecaster", "vice_commander", "commander", "admin"})),
    (_("预警"), "alerts:list", STAFF),
    (_("待我审批"), "alerts:inbox", LEADERS),
    (_("时限"), "deadlines:list", frozenset({"office", "vice_commander", "commander", "admin", "supervisor"})),
    (_("在岗确认"), "publication:duty", frozenset({"county"})),
    (_("县区"), "counties:list", STAFF),
    (_("总结评估"), "reviews:index", frozenset({"office", "vice_commander", "commander", "supervisor", "admin"})),
    (
        _("预案管理"),
        "upkeep:index",
        frozenset({"office", "vice_commander", "commander", "supervisor", "admin", "unit"}),
    ),
    (_("应急指令"), "response:orders", STAFF),
    (_("每日报送"), "response:reports", frozenset({"unit", "office"})),
    (_("督导检查"), "supervision:inspections", frozenset({"supervisor", "office"})),
    (_("举报办理"), "supervision:tipoffs", frozenset({"unit", "county"})),
    (_("应急保障"), "guarantees:index", STAFF),
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
    _inbox_badge(items, user)
    return {"menu": items}


def _inbox_badge(items: list[dict], user) -> None:
    """待我审批 carries the number of forms awaiting the leader's signature (one query, leaders only)."""
    if user.role not in LEADERS:
        return
    url = reverse("alerts:inbox")
    for item in items:
        if item["url"] == url:
            count = forms_awaiting(user).count()
            item["badge"] = count
            if count:
                item["label"] = format_html('{} <span class="badge">{}</span>', item["label"], count)
