"""Reads of the publication pages: the on-duty confirmations the office and the counties follow,
and what the §5.4 written report says."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.roles import Role
from alerts.domain.lifecycle import LEVEL_NAMES, RANK, RESPONSE, RESPONSE_NAMES, Action, DeadlineKind, Level
from alerts.models import ApprovalForm, Warning
from deadlines.models import Deadline
from forecasts.domain.areas import CITY_CODE
from forecasts.selectors import records
from measures.selectors import level_sections

from .channels import BY_NAME, CHANNELS
from .models import ChannelDelivery, DutyConfirmation
from .public import current_form

REPORT_RECIPIENTS = ["阳泉市人民政府", "山西省重污染天气应急指挥部办公室"]


# ----------------------------------------------------------------------------- on-duty confirmations


def duty_current(warning: Warning | None = None):
    """The confirmations the office follows: those of the latest published form of the warning in force."""
    warning = warning or Warning.objects.filter(status=Warning.Status.ACTIVE).first()
    if warning is None:
        return DutyConfirmation.objects.none()
    form = current_form(warning)
    if form is None:
        return DutyConfirmation.objects.none()
    return DutyConfirmation.objects.filter(form=form).select_related("unit", "confirmed_by", "form")


def duty_for_user(user):
    """A county user's confirmations: their own county's, of the warning in force."""
    if user.role != Role.COUNTY or not user.area_id:
        return DutyConfirmation.objects.none()
    return duty_current().filter(unit__area_id=user.area_id)


# ----------------------------------------------------------------------------- the written report (§5.4)


def report_context(warning: Warning) -> dict:
    """What the written report to the city government and the provincial office says: level, time,
    primary pollutant, the level changes, the measures ordered and the air quality since."""
    forms = list(
        warning.forms.filter(status=ApprovalForm.Status.APPROVED)
        .select_related("decided_by")
        .order_by("decided_at", "id")
    )
    levels = [f.level for f in forms if f.action != Action.LIFT]
    highest = max(levels, key=lambda lv: RANK[Level(lv)]) if levels else warning.level
    response = RESPONSE.get(Level(warning.level)) or RESPONSE.get(Level(highest))
    sections = level_sections(response or "")
    health = [item["text"] for s in sections if s["category"] == "health" for item in s["items"]]
    effect = None
    if warning.published_at:
        end = warning.lifted_at or timezone.now()
        observed = (
            records(area_codes=[CITY_CODE], start=warning.published_at - dt.timedelta(hours=24), end=end)
            .filter(kind="observed", period="hour", aqi__isnull=False)
            .values_list("time", "aqi")
        )
        before = [aqi for t, aqi in observed if t < warning.published_at]
        since = [(t, aqi) for t, aqi in observed if t >= warning.published_at]
        if before or since:
            effect = {
                "before_mean": round(sum(before) / len(before)) if before else None,
                "since_mean": round(sum(a for _, a in since) / len(since)) if since else None,
                "since_max": round(max(a for _, a in since)) if since else None,
                "latest": round(max(since)[1]) if since else None,
                "latest_at": max(since)[0] if since else None,
                "hours": len(since),
            }
    deadlines = Deadline.objects.filter(warning=warning, kind=DeadlineKind.WRITTEN_REPORT).order_by("started_at")
    return {
        "warning": warning,
        "forms": forms,
        "highest": highest,
        "highest_name": LEVEL_NAMES[Level(highest)],
        "response": response,
        "response_name": RESPONSE_NAMES.get(response or "", ""),
        "sections": [s for s in sections if s["category"] != "health"],
        "health": health,
        "effect": effect,
        "deadlines": deadlines,
        "open_deadlines": [d for d in deadlines if d.open],
        "recipients": REPORT_RECIPIENTS,
        "confirmations": duty_current(warning) if warning.status == Warning.Status.ACTIVE else [],
    }


# ----------------------------------------------------------------------------- the channels of a publication (§4.2.4)


def channel_rows(form: ApprovalForm) -> list[dict]:
    """Every channel of a published form, in the order of §4.2.4: its row, what it is, who marks it
    done, and the operator's order; a channel the publication has not opened yet shows pending."""
    rows = {r.channel: r for r in ChannelDelivery.objects.filter(form=form).select_related("confirmed_by", "order")}
    return [
        {
            "code": c.code,
            "name": c.name,
            "by": c.by,
            "by_name": BY_NAME[c.by],
            "row": rows.get(c.code),
            "done": bool(rows.get(c.code) and rows[c.code].done),
        }
        for c in CHANNELS
    ]


def published_form(form_id: int) -> ApprovalForm | None:
    """An approved form (the ones that are published), with its warning."""
    return (
        ApprovalForm.objects.select_related("warning").filter(pk=form_id, status=ApprovalForm.Status.APPROVED).first()
    )
