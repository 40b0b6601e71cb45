"""Every write of the advisories (warning-rules.md §10), in the house shape: guard → atomic + row
lock → save(update_fields) → audit → effects through the outbox.

- the ozone prompt: opened with a consultation (kind ozone) by an evaluation, once per episode;
  confirmed by the office (published, §5.3.4 orders to the member units); ended by the office;
- the ozone orders: acknowledged and confirmed in place by their unit (2 hours, as §5.6);
- the SO2 tasks: one per area and run of alert hours (overlapping or touching alerts are one),
  acknowledged and answered by the county within 2 hours; the ecology bureau is told.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.services import audit_record
from command.models import Area, MemberUnit
from core import steps
from core.errors import BAD_INPUT, CONFLICT, NOT_YOURS, DomainError
from core.outbox import outbox_emit
from deadlines import keys as deadline_keys
from deadlines.models import Deadline
from deadlines.services import deadline_meet, deadline_start, deadlines_cancel
from forecasts.models import Consultation, Evaluation
from measures.models import ResponseMeasure
from notifications.services import notify_roles, notify_users

from . import domain, selectors
from .models import OPEN, OzoneOrder, OzonePrompt, So2Task

#: The ecology bureau (市生态环境局), told of every SO2 task and answer (§10).
ECOLOGY_BUREAU = "shengtai"
MAX_TEXT = 2_000
SO2_MEASURE = "采取针对性应急管控措施"


class AdvisoryError(DomainError):
    """A step on an ozone prompt, an ozone order or an SO2 task that is not allowed now."""

    code = "advisories.refused"
    status = CONFLICT


class NotYourAdvisoryError(AdvisoryError):
    """The person acts for another unit or area: refused (403)."""

    code = "advisories.not_yours"
    status = NOT_YOURS


def _local(at: dt.datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def _text(value: str, *, what: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise AdvisoryError(f"请填写{what}。", status=BAD_INPUT)
    if len(value) > MAX_TEXT:
        raise AdvisoryError(f"{what}不能超过 {MAX_TEXT} 字。", status=BAD_INPUT)
    return value


# ----------------------------------------------------------------------------- the ozone prompt


def ozone_prompt_from_evaluation(*, evaluation_id: int) -> OzonePrompt | None:
    """§10: an evaluation with an ozone prompt in the current or a next process opens a
    consultation (kind ozone) and the prompt, once per episode: while a prompt is open a later
    evaluation extends its period instead; a period an ended prompt already covered opens nothing.
    Idempotent (the outbox hands an event out at least once)."""
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation_id)
        period = domain.ozone_period(evaluation.result or {})
        if period is None or evaluation.replay_id is not None:
            return None
        current = OzonePrompt.objects.select_for_update().filter(open_slot=OPEN).first()
        if current is not None:
            return _ozone_prompt_extend(current, evaluation, period)
        if OzonePrompt.objects.filter(period_start__lte=period.start, period_end__gte=period.end).exists():
            return None  # the episode was consulted on and ended: not opened again
        consultation = Consultation.objects.create(kind=Consultation.Kind.OZONE, evaluation=evaluation)
        audit_record(
            actor=None,
            action="forecasts.consultation.opened",
            target=consultation,
            data={"evaluation": evaluation.pk, "ozone": True},
        )
        prompt = OzonePrompt.objects.create(
            consultation=consultation,
            evaluation=evaluation,
            latest_evaluation=evaluation,
            period_start=period.start,
            period_end=period.end,
            peak_aqi=period.peak,
        )
        audit_record(
            actor=None,
            action="advisories.ozone.opened",
            target=prompt,
            after={"status": prompt.status},
            data={"evaluation": evaluation.pk, "start": period.start.isoformat(), "end": period.end.isoformat()},
        )
        outbox_emit("forecasts.consultation.opened", {"consultation_id": consultation.pk})
    return prompt


def _ozone_prompt_extend(prompt: OzonePrompt, evaluation: Evaluation, period: domain.OzonePeriod) -> OzonePrompt:
    before = {"period_end": prompt.period_end.isoformat(), "peak_aqi": prompt.peak_aqi}
    prompt.latest_evaluation = evaluation
    fields = ["latest_evaluation"]
    if period.end > prompt.period_end:
        prompt.period_end = period.end
        fields.append("period_end")
    if period.peak is not None and (prompt.peak_aqi is None or period.peak > prompt.peak_aqi):
        prompt.peak_aqi = period.peak
        fields.append("peak_aqi")
    prompt.save(update_fields=fields)
    if len(fields) > 1:
        audit_record(
            actor=None,
            action="advisories.ozone.extended",
            target=prompt,
            before=before,
            after={"period_end": prompt.period_end.isoformat(), "peak_aqi": prompt.peak_aqi},
            data={"evaluation": evaluation.pk},
        )
    return prompt


def ozone_prompt_text(prompt: OzonePrompt) -> str:
    """The prompt as published (public page and member units)."""
    return (
        f"据预测，{_local(prompt.period_start)} 至 {_local(prompt.period_end)}，我市可能出现以臭氧为首要污染物的"
        "污染天气，现启动臭氧预警提示（预案 3.2）。请涉及挥发性有机物和氮氧化物排放量较大的重点行业企业采取生产调控措施"
        "（预案 5.3.4）；儿童、老年人和易感人群请减少午后户外活动。"
    )


def _enterprise_row(enterprise) -> dict[str, Any]:
    return {
        "id": enterprise.pk,
        "name": enterprise.name,
        "area": enterprise.area.name,
        "area_code": enterprise.area.code,
        "industry": enterprise.industry.name,
        "vocs_t": str(enterprise.vocs_t),
        "nox_t": str(enterprise.nox_t),
        "unit": enterprise.responsible_unit.slug if enterprise.responsible_unit_id else "",
    }


def _enterprises_for_unit(unit: MemberUnit, rows: list[dict]) -> list[dict]:
    """What one order lists: a local government its area's enterprises; a supervising unit the ones
    it supervises; a unit with neither (the ecology bureau, industry supervision) all of them."""
    if unit.area_id:
        return [r for r in rows if r["area_code"] == unit.area.code]
    own = [r for r in rows if r["unit"] == unit.slug]
    return own or rows


def ozone_order_preamble(prompt: OzonePrompt) -> str:
    return (
        f"臭氧预警提示已于 {_local(prompt.confirmed_at)} 发布（预计 {_local(prompt.period_start)} 至 "
        f"{_local(prompt.period_end)}）。请按照本单位职责，对下列涉及挥发性有机物和氮氧化物排放量较大的重点行业企业"
        "采取生产调控措施（预案 5.3.4），于指令下达后 2 小时内落实到位并在系统中确认。"
    )


def _ozone_measures() -> list[dict]:
    found = [
        {"title": m.title, "text": m.text}
        for m in ResponseMeasure.objects.filter(category=ResponseMeasure.Category.OZONE).order_by("order")
    ]
    return found or [
        {
            "title": "臭氧污染减排措施",
            "text": "主要通过对涉及挥发性有机物和氮氧化物排放量较大的重点行业企业采取生产调控措施实现减排。",
        }
    ]


def ozone_prompt_confirm(*, actor, prompt_id: int, text: str = "", now: dt.datetime | None = None) -> OzonePrompt:
    """The office confirms the prompt (the plan names no signatory, §10): it is in force, published
    to the member units and the public, and the §5.3.4 orders go to the responsible units with the
    registry's enterprises of large VOCs and NOx emissions."""
    if getattr(actor, "role", None) != Role.OFFICE:
        raise NotYourAdvisoryError("臭氧预警提示由应急指挥部办公室确认发布。")
    now = now or timezone.now()
    text = _text(text, what="发布内容", required=False)
    with transaction.atomic():
        prompt = OzonePrompt.objects.select_for_update().get(pk=prompt_id)
        if prompt.status != OzonePrompt.Status.CONSULTING:
            raise AdvisoryError("该臭氧预警提示已确认发布或已结束，不能再次确认。")
        before = {"status": prompt.status}
        prompt.status = OzonePrompt.Status.IN_FORCE
        prompt.confirmed_at = now
        prompt.confirmed_by = actor
        prompt.text = text or ozone_prompt_text(prompt)
        prompt.save(update_fields=["status", "confirmed_at", "confirmed_by", "text"])
        enterprises = list(selectors.ozone_enterprises())
        rows = [_enterprise_row(e) for e in enterprises]
        preamble, measures = ozone_order_preamble(prompt), _ozone_measures()
        orders = OzoneOrder.objects.bulk_create(
            [
                OzoneOrder(
                    prompt=prompt,
                    unit=unit,
                    preamble=preamble,
                    measures=measures,
                    enterprises=_enterprises_for_unit(unit, rows),
                    issued_at=now,
                )
                for unit in selectors.ozone_order_units(enterprises)
            ]
        )
        for order in orders:
            deadline_start(
                kind=Deadline.Kind.MEASURES, key=deadline_keys.ozone_order(order.pk), start=now, unit=order.unit
            )
        audit_record(
            actor=actor,
            action="advisories.ozone.confirmed",
            target=prompt,
            before=before,
            after={"status": prompt.status},
            data={"text": prompt.text[:500], "orders": [o.unit.slug for o in orders], "enterprises": len(rows)},
        )
        outbox_emit("advisories.ozone.published", {"prompt_id": prompt.pk})
    return prompt


def ozone_prompt_end(*, actor, prompt_id: int, note: str = "", now: dt.datetime | None = None) -> OzonePrompt:
    """The office ends the prompt (also one never confirmed: nothing is published); its orders
    close and their clocks stop."""
    if getattr(actor, "role", None) != Role.OFFICE:
        raise NotYourAdvisoryError("臭氧预警提示由应急指挥部办公室结束。")
    now = now or timezone.now()
    note = _text(note, what="结束说明", required=False)
    with transaction.atomic():
        prompt = OzonePrompt.objects.select_for_update().get(pk=prompt_id)
        if prompt.status == OzonePrompt.Status.ENDED:
            raise AdvisoryError("该臭氧预警提示已结束。")
        before = {"status": prompt.status}
        prompt.status = OzonePrompt.Status.ENDED
        prompt.open_slot = None
        prompt.ended_at = now
        prompt.ended_by = actor
        prompt.end_note = note
        prompt.save(update_fields=["status", "open_slot", "ended_at", "ended_by", "end_note"])
        open_ids = list(prompt.orders.filter(status__in=OzoneOrder.OPEN_STATUSES).values_list("pk", flat=True))
        OzoneOrder.objects.filter(pk__in=open_ids).update(status=OzoneOrder.Status.CLOSED, closed_at=now)
        deadlines_cancel(at=now, keys=[deadline_keys.ozone_order(pk) for pk in open_ids])
        audit_record(
            actor=actor,
            action="advisories.ozone.ended",
            target=prompt,
            before=before,
            after={"status": prompt.status},
            data={"note": note[:500], "orders_closed": len(open_ids)},
        )
        if before["status"] == OzonePrompt.Status.IN_FORCE:
            outbox_emit("advisories.ozone.ended", {"prompt_id": prompt.pk})
    return prompt


def _unit_users(unit_ids):
    return get_user_model().objects.filter(role=Role.UNIT, unit_id__in=list(unit_ids), is_active=True)


def ozone_prompt_notify_published(*, prompt_id: int) -> int:
    """In-app notices: every member unit's users (the prompt), each ordered unit's its order."""
    prompt = OzonePrompt.objects.get(pk=prompt_id)
    link = reverse("advisories:ozone", args=[prompt.pk])
    sent = notify_users(
        get_user_model().objects.filter(role__in=[Role.UNIT, Role.COUNTY], is_active=True),
        kind="advisories.ozone.published",
        title="臭氧预警提示已发布",
        body=prompt.text,
        link=link,
        target=prompt,
    )
    for order in prompt.orders.select_related("unit"):
        sent += notify_users(
            _unit_users([order.unit_id]),
            kind="advisories.ozone.order",
            title=f"臭氧污染减排指令：{order.unit.short_name}",
            body=order.preamble,
            link=reverse("advisories:ozone-order", args=[order.pk]),
            target=order,
        )
    return sent


def ozone_prompt_notify_ended(*, prompt_id: int) -> int:
    prompt = OzonePrompt.objects.get(pk=prompt_id)
    unit_ids = prompt.orders.values_list("unit_id", flat=True)
    return notify_users(
        _unit_users(unit_ids),
        kind="advisories.ozone.ended",
        title="臭氧预警提示结束",
        body=f"臭氧预警提示已于 {_local(prompt.ended_at)} 结束，臭氧污染减排指令同时结束。{prompt.end_note}",
        link=reverse("advisories:ozone", args=[prompt.pk]),
        target=prompt,
    )


# ----------------------------------------------------------------------------- ozone orders


def _own_ozone_order(actor, order_id: int) -> OzoneOrder:
    order = OzoneOrder.objects.select_for_update().get(pk=order_id)
    if getattr(actor, "role", None) != Role.UNIT or order.unit_id != actor.unit_id:
        raise NotYourAdvisoryError("只能签收、确认本单位的指令。")
    if not order.is_open:
        raise AdvisoryError("该指令已结束。")
    return order


def ozone_order_acknowledge(*, actor, order_id: int, now: dt.datetime | None = None) -> OzoneOrder:
    """签收: the unit confirms it received the §5.3.4 order."""
    now = now or timezone.now()
    with transaction.atomic():
        order = _own_ozone_order(actor, order_id)
        if order.acknowledged_at is not None:
            raise AdvisoryError("该指令已签收。")
        before = {"status": order.status}
        steps.acknowledge(order, actor=actor, now=now)
        audit_record(
            actor=actor,
            action="advisories.ozone_order.acknowledged",
            target=order,
            before=before,
            after={"status": order.status},
        )
    return order


def ozone_order_confirm_in_place(*, actor, order_id: int, note: str, now: dt.datetime | None = None) -> OzoneOrder:
    """落实到位: meets the order's 2-hour clock; an order not acknowledged yet is acknowledged too."""
    now = now or timezone.now()
    note = _text(note, what="措施落实情况")
    with transaction.atomic():
        order = _own_ozone_order(actor, order_id)
        if order.in_place_at is not None:
            raise AdvisoryError("已确认落实到位。")
        before = {"status": order.status}
        steps.confirm_in_place(order, actor=actor, now=now, note=note)
        deadline_meet(key=deadline_keys.ozone_order(order.pk), at=now)
        audit_record(
            actor=actor,
            action="advisories.ozone_order.in_place",
            target=order,
            before=before,
            after={"status": order.status},
            data={"note": note[:500]},
        )
    return order


# ----------------------------------------------------------------------------- SO2 tasks


def _so2_enterprise_rows(area: Area) -> list[dict]:
    return [
        {"id": e.pk, "name": e.name, "industry": e.industry.name, "so2_t": str(e.so2_t)}
        for e in selectors.so2_enterprises(area)
    ]


def so2_tasks_from_evaluation(*, evaluation_id: int) -> list[So2Task]:
    """§10: each SO2 alert of the evaluation becomes its area's task, or extends the task of the same
    area whose hours it overlaps or touches (a later evaluation of the same alert). Alerts of the
    city as a whole are left aside: §3.3 is about the areas (所辖县区). Idempotent."""
    tasks: list[So2Task] = []
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation_id)
        if evaluation.replay_id is not None:
            return []
        areas = {a.code: a for a in Area.objects.exclude(kind=Area.Kind.CITY)}
        for alert in domain.so2_alerts(evaluation.result or {}):
            area = areas.get(alert.area_code)
            if area is None:
                continue
            Area.objects.select_for_update().filter(pk=area.pk).first()  # one writer per area at a time
            tasks.append(_so2_task_for_alert(area, alert, evaluation))
    return tasks


def _so2_task_for_alert(area: Area, alert: domain.So2Alert, evaluation: Evaluation) -> So2Task:
    candidates = (
        So2Task.objects.select_for_update()
        .filter(area=area, start__lte=alert.end + domain.HOUR, end__gte=alert.start - domain.HOUR)
        .order_by("start", "pk")
    )
    task = candidates.first()
    if task is not None:
        before = {"start": task.start.isoformat(), "end": task.end.isoformat(), "max_so2": task.max_so2}
        task.start, task.end = min(task.start, alert.start), max(task.end, alert.end)
        task.max_so2 = max(task.max_so2, alert.max_so2)
        task.latest_evaluation = evaluation
        task.save(update_fields=["start", "end", "max_so2", "latest_evaluation"])
        after = {"start": task.start.isoformat(), "end": task.end.isoformat(), "max_so2": task.max_so2}
        if after != before:
            audit_record(
                actor=None,
                action="advisories.so2.extended",
                target=task,
                before=before,
                after=after,
                data={"evaluation": evaluation.pk},
            )
        return task
    now = timezone.now()
    task = So2Task.objects.create(
        area=area,
        unit=MemberUnit.objects.filter(area=area, active=True).order_by("order", "id").first(),
        start=alert.start,
        end=alert.end,
        max_so2=alert.max_so2,
        evaluation=evaluation,
        latest_evaluation=evaluation,
        enterprises=_so2_enterprise_rows(area),
        issued_at=now,
    )
    deadline_start(kind=Deadline.Kind.MEASURES, key=deadline_keys.so2_task(task.pk), start=now, unit=task.unit)
    audit_record(
        actor=None,
        action="advisories.so2.issued",
        target=task,
        after={"status": task.status},
        data={
            "evaluation": evaluation.pk,
            "area": area.code,
            "start": alert.start.isoformat(),
            "end": alert.end.isoformat(),
            "max_so2": alert.max_so2,
            "enterprises": len(task.enterprises),
        },
    )
    outbox_emit("advisories.so2.issued", {"task_id": task.pk})
    return task


def so2_task_summary(task: So2Task) -> str:
    peak = Decimal(str(task.max_so2)).quantize(Decimal("1"))
    return (
        f"预测{task.area.name}二氧化硫小时浓度 {_local(task.start)} 至 {_local(task.end)} 超过 150 微克/立方米"
        f"（最高 {peak} 微克/立方米）。请{task.area.name}人民政府{SO2_MEASURE}（预案 3.3），"
        "于 2 小时内在系统中反馈已采取的措施。"
    )


def _county_users(area_id: int):
    return get_user_model().objects.filter(role=Role.COUNTY, area_id=area_id, is_active=True)


def _ecology_users():
    return get_user_model().objects.filter(role=Role.UNIT, unit__slug=ECOLOGY_BUREAU, is_active=True)


def so2_task_notify_issued(*, task_id: int) -> int:
    """The county (its users and its government unit's), the ecology bureau and the office."""
    task = So2Task.objects.select_related("area").get(pk=task_id)
    link = reverse("advisories:so2", args=[task.pk])
    title = f"二氧化硫浓度预警：{task.area.name}"
    body = so2_task_summary(task)
    sent = notify_users(
        _county_users(task.area_id), kind="advisories.so2.issued", title=title, body=body, link=link, target=task
    )
    if task.unit_id:
        sent += notify_users(
            _unit_users([task.unit_id]), kind="advisories.so2.issued", title=title, body=body, link=link, target=task
        )
    sent += notify_users(_ecology_users(), kind="advisories.so2.issued", title=title, body=body, link=link, target=task)
    sent += notify_roles([Role.OFFICE], kind="advisories.so2.issued", title=title, body=body, link=link, target=task)
    return sent


def _own_so2_task(actor, task_id: int) -> So2Task:
    task = So2Task.objects.select_for_update().get(pk=task_id)
    if getattr(actor, "role", None) != Role.COUNTY or actor.area_id != task.area_id:
        raise NotYourAdvisoryError("只能签收、反馈本县区的二氧化硫预警任务。")
    return task


def so2_task_acknowledge(*, actor, task_id: int, now: dt.datetime | None = None) -> So2Task:
    """签收: the county confirms it received the task."""
    now = now or timezone.now()
    with transaction.atomic():
        task = _own_so2_task(actor, task_id)
        if task.acknowledged_at is not None:
            raise AdvisoryError("该任务已签收。")
        before = {"status": task.status}
        steps.acknowledge(task, actor=actor, now=now)
        audit_record(
            actor=actor, action="advisories.so2.acknowledged", target=task, before=before, after={"status": task.status}
        )
    return task


def so2_task_answer(*, actor, task_id: int, answer: str, now: dt.datetime | None = None) -> So2Task:
    """反馈: the measures taken; meets the 2-hour clock (late answers are kept, the clock shows it).
    An unacknowledged task is acknowledged at the same time. The ecology bureau and the office are told."""
    now = now or timezone.now()
    answer = _text(answer, what="已采取的管控措施")
    with transaction.atomic():
        task = _own_so2_task(actor, task_id)
        if task.answered_at is not None:
            raise AdvisoryError("该任务已反馈。")
        before = {"status": task.status}
        acknowledged = steps.stamp_acknowledged(task, actor=actor, now=now)
        task.answer, task.answered_at, task.answered_by = answer, now, actor
        task.status = So2Task.Status.ANSWERED
        task.save(update_fields=[*acknowledged, "answer", "answered_at", "answered_by", "status"])
        deadline_meet(key=deadline_keys.so2_task(task.pk), at=now)
        audit_record(
            actor=actor,
            action="advisories.so2.answered",
            target=task,
            before=before,
            after={"status": task.status},
            data={"answer": answer[:500]},
        )
        outbox_emit("advisories.so2.answered", {"task_id": task.pk})
    return task


def so2_task_notify_answered(*, task_id: int) -> int:
    task = So2Task.objects.select_related("area").get(pk=task_id)
    link = reverse("advisories:so2", args=[task.pk])
    title = f"二氧化硫预警任务已反馈：{task.area.name}"
    sent = notify_users(
        _ecology_users(), kind="advisories.so2.answered", title=title, body=task.answer, link=link, target=task
    )
    sent += notify_roles(
        [Role.OFFICE], kind="advisories.so2.answered", title=title, body=task.answer, link=link, target=task
    )
    return sent
