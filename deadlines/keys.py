"""The key of every deadline (Deadline.key, unique): one clock per thing it times, so starting it
again is a no-op. Every module that starts, meets or looks up a clock spells its key here."""

from __future__ import annotations

import datetime as dt


def form_for_consultation(consultation_id: int) -> str:
    """The office's 1-hour clock to file the form after a consultation reached a level (§9)."""
    return f"form:consultation:{consultation_id}"


def form_for_notice(notice_id: int) -> str:
    """The office's 1-hour clock to file the form after a provincial or regional notice (§9)."""
    return f"form:notice:{notice_id}"


def publish(form_id: int) -> str:
    """Publication within 2 hours of the signature (plan §4.2.2)."""
    return f"publish:form:{form_id}"


def units_notified(form_id: int) -> str:
    """The member units notified within 2 hours of the approval (plan §5.6)."""
    return f"units:form:{form_id}"


def written_report(form_id: int) -> str:
    """The same day's written report to the city and the provincial office (plan §5.4)."""
    return f"report:form:{form_id}"


def issue_by(process_start: dt.datetime) -> str:
    """The latest time to publish the warning of a pollution process (its start − 24 h, §7, §9),
    keyed by the process's start: later evaluations of the same process add no clock."""
    return f"issue_by:{process_start.astimezone(dt.UTC):%Y-%m-%dT%H:%MZ}"


def summary(warning_id: int) -> str:
    """The office's summary and evaluation after the response ends (附件6, 附件8; plan §6)."""
    return f"summary:warning:{warning_id}"


def measures(order_id: int) -> str:
    """A member unit's measures in place within 2 hours of its order (plan §5.6)."""
    return f"measures:order:{order_id}"


def daily_report(response_id: int, unit_id: int, report_date: dt.date) -> str:
    """A member unit's 10:00 report on ``report_date`` during a response (plan §5.4, §7.1)."""
    return f"daily:{response_id}:{unit_id}:{report_date.isoformat()}"


def ozone_order(order_id: int) -> str:
    """A member unit's §5.3.4 ozone measures in place within 2 hours of its order (as plan §5.6)."""
    return f"measures:ozone-order:{order_id}"


def so2_task(task_id: int) -> str:
    """A county government's answer to an SO2 alert within 2 hours (plan §3.3, as §5.6)."""
    return f"measures:so2-task:{task_id}"
