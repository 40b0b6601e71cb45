"""Every write of the warning lifecycle, one service per transition (STYLE.md: guard →
atomic + row lock → save(update_fields) → audit → side effects after commit via the outbox)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.services import audit_record
from command.models import Area
from core.errors import BAD_INPUT, CONFLICT, NOT_YOURS, DomainError
from core.outbox import outbox_emit
from deadlines import keys as deadline_keys
from deadlines.services import deadline_start, deadlines_meet_form_clock
from forecasts.models import Evaluation

from . import selectors
from .domain import content as content_domain
from .domain import lifecycle as lc
from .domain import notices as notice_rules
from .drafting import draft_texts, form_content, form_texts
from .models import ApprovalForm, ProvincialNotice, Warning


class WarningError(DomainError):
    """A transition the rules refuse; the message is in Chinese, for the person who tried. By
    default the state of the warning or form does not allow it (409); what the office entered
    and cannot be used is 400."""

    code = "alerts.refused"
    status = CONFLICT


class MissingContentError(WarningError):
    """Submit refused: the form lacks §11 fields (``missing``: their field names, also in the API answer)."""

    code = "alerts.form.content_missing"
    status = BAD_INPUT

    def __init__(self, message: str, missing: list[str]):
        super().__init__(message, data={"missing": missing})
        self.missing = missing


def _snapshot(form: ApprovalForm) -> dict:
    return {"status": form.status, "action": form.action, "level": form.level, "approver_role": form.approver_role}


# ----------------------------------------------------------------------------- what the warning says (§11)

#: The §11 fields of the form (warning-rules.md §11) beside its texts; ``affected_areas`` is a list of codes.
CONTENT_FIELDS = (*content_domain.FIELD_NAMES, "effective_on_publication")


def _resolve_areas(codes) -> list:
    """command.Area rows of the given codes (or Area rows), in the given order; unknown codes refused."""
    codes = [getattr(c, "code", c) for c in codes or []]
    codes = [str(c).strip() for c in codes if str(c).strip()]
    rows = {a.code: a for a in Area.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in rows]
    if unknown:
        raise WarningError(f"未知的区域：{'、'.join(unknown)}（应为 GB/T 2260 代码，开发区为 kfq）", status=BAD_INPUT)
    return list(dict.fromkeys(rows[c] for c in codes))


def known_area_codes(codes) -> list[str]:
    """The codes of ``codes`` that name a stored area (a draft leaves the others for the office)."""
    known = set(Area.objects.filter(code__in=list(codes or [])).values_list("code", flat=True))
    return [c for c in codes or [] if c in known]


def _check_content(*, pollution_start, pollution_end, aqi_low, aqi_high) -> None:
    for value in (aqi_low, aqi_high):
        if value is not None and (not isinstance(value, int) or value <= 0):
            raise WarningError("AQI 须为正整数。", status=BAD_INPUT)
    if aqi_low is not None and aqi_high is not None and aqi_low > aqi_high:
        raise WarningError("AQI 范围的低值不能高于高值。", status=BAD_INPUT)
    if pollution_start and pollution_end and pollution_end <= pollution_start:
        raise WarningError("重污染天气发生时间的结束须晚于开始。", status=BAD_INPUT)


def _content_snapshot(form: ApprovalForm) -> dict:
    """The §11 fields as an audit entry keeps them (areas as codes)."""
    data = {name: getattr(form, name) for name in CONTENT_FIELDS if name != "affected_areas"}
    data["affected_areas"] = [a.code for a in form.affected_areas.all()] if form.pk else []
    return data


def active_warning() -> Warning | None:
    return Warning.objects.filter(status=Warning.Status.ACTIVE).first()


#: pg_advisory_xact_lock key ("YQ" "WD": warning drafts).
DRAFT_LOCK_KEY = 0x5951_5744


def _serialise_drafts() -> None:
    """Opening a form checks "no other issue form in flight" and then inserts: with no row to lock
    (no warning yet), two offices at once would both pass. A transaction-level advisory lock
    makes drafts one at a time on PostgreSQL; SQLite serialises writers already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DRAFT_LOCK_KEY])


def _next_number(year: int) -> str:
    count = Warning.objects.filter(number__startswith=f"阳泉重污染预警〔{year}〕").count()
    return f"阳泉重污染预警〔{year}〕第{count + 1}号"


# ----------------------------------------------------------------------------- notices


def provincial_notice_record(
    *,
    actor,
    scope: str,
    level: str,
    document_number: str,
    period_start: dt.datetime,
    period_end: dt.datetime | None,
    received_at: dt.datetime,
    text: str = "",
) -> ProvincialNotice:
    if level not in ("yellow", "orange", "red"):
        raise WarningError("省/区域预警通知的级别无效。", status=BAD_INPUT)
    if not document_number.strip():
        raise WarningError("请填写通知文号。", status=BAD_INPUT)
    with transaction.atomic():
        notice = ProvincialNotice.objects.create(
            scope=scope,
            level=level,
            document_number=document_number.strip(),
            period_start=period_start,
            period_end=period_end,
            received_at=received_at,
            text=text,
            recorded_by=actor,
        )
        deadline_start(
            kind=lc.DeadlineKind.FORM, key=deadline_keys.form_for_notice(notice.pk), start=received_at, notice=notice
        )
        audit_record(
            actor=actor,
            action="alerts.notice.recorded",
            target=notice,
            after={"level": level, "document_number": notice.document_number},
        )
    return notice


def provincial_notice_lift_record(
    *, actor, notice_id: int, document_number: str, lifted_at: dt.datetime
) -> ProvincialNotice:
    """Record the lift (解除通知) of a provincial or regional notice: from then on it no longer binds
    the city's decisions (warning-rules.md §8)."""
    if not document_number.strip():
        raise WarningError("请填写解除通知文号。", status=BAD_INPUT)
    with transaction.atomic():
        notice = ProvincialNotice.objects.select_for_update().get(pk=notice_id)
        if notice.lifted_at is not None:
            raise WarningError(f"该通知已于 {timezone.localtime(notice.lifted_at):%Y-%m-%d %H:%M} 登记解除。")
        if lifted_at < notice.received_at:
            raise WarningError("解除时间不能早于接到通知的时间。", status=BAD_INPUT)
        notice.lifted_at = lifted_at
        notice.lift_document_number = document_number.strip()
        notice.lift_recorded_by = actor
        notice.save(update_fields=["lifted_at", "lift_document_number", "lift_recorded_by"])
        audit_record(
            actor=actor,
            action="alerts.notice.lifted",
            target=notice,
            before={"in_force": True},
            after={"in_force": False, "lifted_at": lifted_at, "document_number": notice.lift_document_number},
        )
    return notice


def _notice_guard(*, from_level: str, to_level: str, consent: str) -> str:
    """§8: the approver on the higher of the city's levels and the notices in force (the one a form
    names counts like every other, while it is in force); refused when the decision leaves the city
    below a notice in force without the provincial office's consent."""
    levels = selectors.notice_levels_in_force()
    problem = notice_rules.consent_problem(to_level=to_level, notice_levels=levels, consent=consent)
    if problem:
        raise WarningError(problem, status=BAD_INPUT)
    return notice_rules.approver_for(from_level=from_level, to_level=to_level, notice_levels=levels)


# ----------------------------------------------------------------------------- forms


def form_draft(
    *,
    actor: Any | None,
    action: str,
    level: str | None,
    basis: str,
    content: str,
    effective_at: dt.datetime,
    episode_end: dt.datetime | None = None,
    public_message: str = "",
    department_opinion: str = "",
    evaluation=None,
    consultation=None,
    provincial_notice: ProvincialNotice | None = None,
    provincial_consent: str = "",
    auto: bool = False,
    episode_start: dt.datetime | None = None,
    primary_pollutant: str = "",
    aqi_range: str = "",
    weather_trend: str = "",
    pollution_start: dt.datetime | None = None,
    pollution_end: dt.datetime | None = None,
    aqi_low: int | None = None,
    aqi_high: int | None = None,
    degree: str = "",
    affected_areas=None,
    effective_on_publication: bool = False,
) -> ApprovalForm:
    """File the approval form (附件5) for an action and route it (§8). An issue form opens a new
    warning (pending until approved); other actions apply to the warning in force.

    The §11 fields (what the warning says) may be left blank here and filled by form_update; submit
    requires them. ``aqi_range`` ("150～240") stands for ``aqi_low``/``aqi_high`` when those are not
    given; the degree follows from the range when not given; ``affected_areas``: area codes."""
    if not basis.strip():
        raise WarningError("请填写预警发布（解除）信息依据。", status=BAD_INPUT)
    if not content.strip():
        raise WarningError("请填写预警发布（解除）信息主要内容。", status=BAD_INPUT)
    if aqi_low is None and aqi_high is None and aqi_range:
        aqi_low, aqi_high = content_domain.parse_range(aqi_range)
    _check_content(pollution_start=pollution_start, pollution_end=pollution_end, aqi_low=aqi_low, aqi_high=aqi_high)
    degree = degree.strip() or content_domain.degree_text(aqi_low, aqi_high)
    primary_pollutant = primary_pollutant.strip()
    aqi_range = content_domain.range_text(aqi_low, aqi_high)
    episode_end = episode_end or pollution_end
    with transaction.atomic():
        areas = _resolve_areas(affected_areas)
        _serialise_drafts()
        _pending_guard()
        current = Warning.objects.select_for_update().filter(status=Warning.Status.ACTIVE).first()
        active = current.level if current else lc.Level.NONE
        try:
            decision = lc.decide(action, active=active, target=level)
        except lc.LifecycleError as exc:
            # The draft asks for an action or level the plan does not allow now: the office's input.
            raise WarningError(str(exc), status=BAD_INPUT) from exc
        approver = _notice_guard(
            from_level=decision.from_level,
            to_level=decision.to_level,
            consent=provincial_consent,
        )
        if decision.action == lc.Action.ISSUE:
            if Warning.objects.filter(status=Warning.Status.PENDING, forms__status__in=["draft", "submitted"]).exists():
                raise WarningError("已有一份待审批的预警发布审批表，请先处理。")
            local = timezone.localtime()
            try:
                warning = Warning.objects.create(
                    number=_next_number(local.year),
                    status=Warning.Status.PENDING,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                    episode_start=pollution_start or episode_start or effective_at,
                    episode_end=episode_end,
                    primary_pollutant=primary_pollutant,
                    aqi_range=aqi_range,
                    provincial_notice=provincial_notice,
                )
            except IntegrityError as exc:
                # Two issue drafts at the same moment drew the same number; the other one won.
                raise WarningError("另一份预警发布审批表刚刚起草，请刷新后查看。") from exc
        else:
            warning = current
        try:
            form = ApprovalForm.objects.create(
                warning=warning,
                action=decision.action,
                from_level=decision.from_level,
                level=decision.to_level,
                approver_role=approver,
                effective_at=effective_at,
                episode_end=episode_end,
                basis=basis.strip(),
                content=content.strip(),
                public_message=public_message.strip(),
                department_opinion=department_opinion.strip(),
                evaluation=evaluation,
                consultation=consultation,
                provincial_notice=provincial_notice,
                provincial_consent=provincial_consent.strip(),
                auto_drafted=auto,
                drafted_by=actor if getattr(actor, "is_authenticated", False) else None,
                effective_on_publication=effective_on_publication,
                weather_trend=weather_trend.strip(),
                pollution_start=pollution_start,
                pollution_end=pollution_end,
                aqi_low=aqi_low,
                aqi_high=aqi_high,
                degree=degree,
                primary_pollutant=primary_pollutant,
            )
        except IntegrityError as exc:
            raise WarningError("该预警已有一份未完成的审批表，请先提交或撤回。") from exc
        form.affected_areas.set(areas)
        audit_record(
            actor=actor,
            action="alerts.form.drafted",
            target=form,
            after={**_snapshot(form), **_content_snapshot(form)},
            data={
                "warning": warning.number,
                "auto": auto,
                "evaluation": evaluation.pk if evaluation else None,
                "consultation": consultation.pk if consultation else None,
            },
        )
    return form


def form_update(*, actor, form_id: int, **fields) -> ApprovalForm:
    """The office edits a draft before submitting (public text, content, opinions, times, and the §11
    fields: what the warning says). Texts drafted from the §11 fields follow them: when the office
    changes a field and has not rewritten the content (or the public text, or the degree), that text
    is drafted again from the new values."""
    editable = set(content_domain.DRAFT_FIELDS)
    unknown = set(fields) - editable
    if unknown:
        raise WarningError(f"不能修改这些字段：{', '.join(sorted(unknown))}", status=BAD_INPUT)
    with transaction.atomic():
        form = ApprovalForm.objects.select_for_update().get(pk=form_id)
        if form.status != ApprovalForm.Status.DRAFT:
            raise WarningError("只有草稿可以修改；已提交的审批表请先撤回。")
        areas = _resolve_areas(fields.pop("affected_areas")) if "affected_areas" in fields else None
        old_content = form_content(form)
        old_texts = form_texts(form, old_content)
        old_degree = content_domain.degree_text(form.aqi_low, form.aqi_high)
        before = {k: getattr(form, k) for k in fields}
        for key, value in fields.items():
            # A browser posts a textarea with CRLF line ends: the same text is not a rewrite.
            setattr(form, key, value.replace("\r\n", "\n").strip() if isinstance(value, str) else value)
        _check_content(
            pollution_start=form.pollution_start,
            pollution_end=form.pollution_end,
            aqi_low=form.aqi_low,
            aqi_high=form.aqi_high,
        )
        changed = [k for k in fields if before[k] != getattr(form, k)]
        if areas is not None:
            before["affected_areas"] = old_content.area_codes
            if [a.code for a in areas] != old_content.area_codes:
                form.affected_areas.set(areas)
                changed.append("affected_areas")
        # The derived texts, unless the office rewrote them in this edit or before.
        derived = []
        new_degree = content_domain.degree_text(form.aqi_low, form.aqi_high)
        follows_range = (
            {"aqi_low", "aqi_high"} & set(changed)
            and "degree" not in changed
            and before.get("degree", form.degree) in ("", old_degree)
        )
        if (follows_range or not form.degree) and new_degree and form.degree != new_degree:
            # A blank degree is the range's (the form's help text says so); one that followed the
            # range keeps following it.
            before.setdefault("degree", form.degree)
            form.degree = new_degree
            derived.append("degree")
        if set(changed) & set(CONTENT_FIELDS) or derived:
            new_texts = form_texts(form)
            for name, old_text, new_text in (
                ("content", old_texts[0], new_texts[0]),
                ("public_message", old_texts[1], new_texts[1]),
            ):
                if name not in changed and before.get(name, getattr(form, name)) == old_text and new_text != old_text:
                    before.setdefault(name, getattr(form, name))
                    setattr(form, name, new_text)
                    derived.append(name)
        if not form.basis or not form.content:
            raise WarningError("依据和主要内容不能为空。", status=BAD_INPUT)
        form.save(update_fields=list(dict.fromkeys([*fields, *derived])))
        after = {k: getattr(form, k) for k in [*fields, *derived]}
        if areas is not None:
            after["affected_areas"] = [a.code for a in areas]
        audit_record(
            actor=actor,
            action="alerts.form.edited",
            target=form,
            before=before,
            after=after,
            data={"redrafted_from_fields": derived} if derived else None,
        )
    return form


def _content_guard(form: ApprovalForm) -> None:
    """§11: every field of what the warning says is filled before the form goes to the approver
    (a lift: the weather trend; its effective end is the form's effective time)."""
    content = form_content(form)
    missing = content_domain.missing_fields(form.action, content)
    if missing:
        keys = [key for key, name in content_domain.FIELD_NAMES.items() if name in missing]
        raise MissingContentError(content_domain.missing_message(missing), keys)
    placeholder = [
        label
        for label, text in (("主要内容", form.content), ("公开发布文本", form.public_message))
        if content_domain.TO_FILL in text
    ]
    if placeholder:
        raise MissingContentError(
            f"{'、'.join(placeholder)}中仍有“{content_domain.TO_FILL}”，请修改后再提交。",
            ["content" if label == "主要内容" else "public_message" for label in placeholder],
        )


def form_submit(*, actor, form_id: int) -> ApprovalForm:
    """Submit the draft: it goes into the routed approver's inbox and they are notified at once."""
    with transaction.atomic():
        form = (
            ApprovalForm.objects.select_for_update(of=("self",))
            .select_related("warning", "provincial_notice")
            .get(pk=form_id)
        )
        if form.status != ApprovalForm.Status.DRAFT:
            raise WarningError(f"审批表当前为「{form.get_status_display()}」，不能提交。")
        _content_guard(form)
        # A notice recorded (or lifted) since the draft changes who signs and whether consent is needed.
        approver = _notice_guard(
            from_level=form.from_level,
            to_level=form.level,
            consent=form.provincial_consent,
        )
        before = _snapshot(form)
        now = timezone.now()
        form.status = ApprovalForm.Status.SUBMITTED
        form.submitted_by = actor
        form.submitted_at = now
        form.approver_role = approver
        form.save(update_fields=["status", "submitted_by", "submitted_at", "approver_role"])
        deadlines_meet_form_clock(consultation_id=form.consultation_id, notice_id=form.provincial_notice_id, at=now)
        audit_record(actor=actor, action="alerts.form.submitted", target=form, before=before, after=_snapshot(form))
        outbox_emit("alerts.form.submitted", {"form_id": form.pk})
    return form


def form_withdraw(*, actor, form_id: int, reason: str = "") -> ApprovalForm:
    with transaction.atomic():
        form = ApprovalForm.objects.select_for_update().select_related("warning").get(pk=form_id)
        if form.status not in (ApprovalForm.Status.DRAFT, ApprovalForm.Status.SUBMITTED):
            raise WarningError(f"审批表当前为「{form.get_status_display()}」，不能撤回。")
        before = _snapshot(form)
        form.status = ApprovalForm.Status.WITHDRAWN
        form.decision_comment = reason.strip()
        form.save(update_fields=["status", "decision_comment"])
        audit_record(
            actor=actor,
            action="alerts.form.withdrawn",
            target=form,
            before=before,
            after=_snapshot(form),
            data={"reason": reason},
        )
        warning = form.warning  # locked with the form (the join above)
        if form.action == "issue" and warning.status == Warning.Status.PENDING:
            # The issue form withdrawn before approval: the warning it would have issued never was.
            warning.status = Warning.Status.CANCELLED
            warning.save(update_fields=["status"])
            audit_record(
                actor=actor,
                action="alerts.warning.cancelled",
                target=warning,
                before={"status": Warning.Status.PENDING},
                after={"status": warning.status},
                data={"form": form.pk, "reason": reason},
            )
    return form


def form_redraft(*, actor, form_id: int) -> ApprovalForm:
    """After a send-back: a new draft with the same content, for the office to revise; the sent-back
    form stays as it was (history)."""
    with transaction.atomic():
        old = ApprovalForm.objects.select_for_update().select_related("warning").get(pk=form_id)
        if old.status != ApprovalForm.Status.REJECTED:
            raise WarningError("只有被退回的审批表才能重新起草。")
        if old.warning.status in (Warning.Status.LIFTED, Warning.Status.CANCELLED):
            raise WarningError("该预警已结束。")
        _serialise_drafts()
        _pending_guard()
        # Route again against the level in force now: another form may have changed it since the
        # send-back (a stale "upgrade yellow→orange" must not take a red warning down to orange
        # with the vice-commander's signature).
        current = Warning.objects.select_for_update().filter(status=Warning.Status.ACTIVE).first()
        if old.action != lc.Action.ISSUE and (current is None or current.pk != old.warning_id):
            raise WarningError("该预警已不在生效中，不能重新起草。")
        try:
            decision = lc.decide(
                old.action,
                active=current.level if current else lc.Level.NONE,
                target=None if old.action == lc.Action.LIFT else old.level,
            )
        except lc.LifecycleError as exc:
            raise WarningError(str(exc)) from exc
        if (
            decision.action == lc.Action.ISSUE
            and Warning.objects.filter(status=Warning.Status.PENDING, forms__status__in=["draft", "submitted"])
            .exclude(pk=old.warning_id)
            .exists()
        ):
            raise WarningError("已有一份待审批的预警发布审批表，请先处理。")
        try:
            form = ApprovalForm.objects.create(
                warning=old.warning,
                action=old.action,
                from_level=decision.from_level,
                level=decision.to_level,
                approver_role=notice_rules.approver_for(
                    from_level=decision.from_level,
                    to_level=decision.to_level,
                    notice_levels=selectors.notice_levels_in_force(),
                ),
                effective_at=old.effective_at,
                episode_end=old.episode_end,
                basis=old.basis,
                content=old.content,
                public_message=old.public_message,
                department_opinion=old.department_opinion,
                evaluation=old.evaluation,
                consultation=old.consultation,
                provincial_notice=old.provincial_notice,
                provincial_consent=old.provincial_consent,
                drafted_by=actor,
                effective_on_publication=old.effective_on_publication,
                **{
                    name: getattr(old, name)
                    for name in CONTENT_FIELDS
                    if name not in ("affected_areas", "effective_on_publication")
                },
            )
        except IntegrityError as exc:
            raise WarningError("该预警已有一份未完成的审批表。") from exc
        form.affected_areas.set(old.affected_areas.all())
        audit_record(actor=actor, action="alerts.form.redrafted", target=form, data={"from_form": old.pk})
    return form


class NotYourDecisionError(WarningError):
    """The person may not decide this form (wrong approver, own draft): a 403, not a conflict."""

    code = "alerts.form.not_yours"
    status = NOT_YOURS


def _decide_guard(form: ApprovalForm, actor) -> None:
    reason = lc.may_sign(
        approver=form.approver_role,
        signer_role=actor.role,
        signer_id=actor.pk,
        drafted_by_id=form.drafted_by_id,
        submitted_by_id=form.submitted_by_id,
    )
    if reason:
        raise NotYourDecisionError(reason)
    if form.status != ApprovalForm.Status.SUBMITTED:
        raise WarningError(f"审批表当前为「{form.get_status_display()}」，不能审批。")


def _notice_sign_guard(form: ApprovalForm) -> None:
    """§8 at the signature: a notice recorded since the submission may need the commander or the
    provincial office's consent; the office then withdraws and resubmits the form."""
    levels = selectors.notice_levels_in_force()
    problem = notice_rules.consent_problem(to_level=form.level, notice_levels=levels, consent=form.provincial_consent)
    if problem:
        raise WarningError(problem + "请办公室撤回审批表，补充同意情况后重新提交。")
    needed = notice_rules.approver_for(from_level=form.from_level, to_level=form.level, notice_levels=levels)
    if needed != form.approver_role:
        raise NotYourDecisionError(
            f"省（区域）预警通知生效中，本审批表应由{lc.APPROVER_NAMES[needed]}审批：请办公室撤回后重新提交。"
        )


def _reauth_guard(actor, *, reauth, password: str | None, refusal: str) -> tuple[str, ...]:
    """The signer proved who they are in this request: ``reauth`` is the proof of
    accounts.reauth.signer_reauthenticate (pages and API: password, and the TOTP code where the
    second factor is required, counted by the lockout); callers without a request (scripts,
    tests) give the password. Returns the factors used, for the audit entry."""
    if reauth is not None:
        if reauth.user_id != actor.pk:
            raise NotYourDecisionError("身份验证与签发人不符，未执行。")
        return reauth.factors
    if not password or not actor.check_password(password):
        raise WarningError(refusal)
    return ("password",)


def form_approve(*, actor, form_id: int, password: str | None = None, opinion: str = "", reauth=None) -> ApprovalForm:
    """Sign (签发): the signer re-authenticated in this request (``reauth``, or the password), lock
    the form, apply it to the warning, start the publication and notification clocks, and publish
    after commit (outbox). Possession of a session or an API token is never enough. Two approvers
    at once give one approval: the second finds the form no longer submitted."""
    factors = _reauth_guard(actor, reauth=reauth, password=password, refusal="密码不正确，未签发。")
    with transaction.atomic():
        form = ApprovalForm.objects.select_for_update().get(pk=form_id)
        _decide_guard(form, actor)
        _notice_sign_guard(form)
        warning = Warning.objects.select_for_update().get(pk=form.warning_id)
        _pending_guard()
        now = timezone.now()
        before = _snapshot(form)
        form.status = ApprovalForm.Status.APPROVED
        form.decided_by = actor
        form.decided_at = now
        form.leader_opinion = opinion.strip() or "同意。"
        signed_fields = ["status", "decided_by", "decided_at", "leader_opinion"]
        if form.effective_on_publication:
            # §12: "on publication" — publication follows the signature through the outbox at once.
            form.effective_at = now
            signed_fields.append("effective_at")
        form.save(update_fields=signed_fields)
        warning_before = {"status": warning.status, "level": warning.level}
        if (
            form.action == lc.Action.ISSUE
            and Warning.objects.filter(status__in=[Warning.Status.ACTIVE, Warning.Status.ANNOUNCED])
            .exclude(pk=warning.pk)
            .exists()
        ):
            raise WarningError("已有生效（或已发布待生效）的预警，不能再发布新的预警。")
        # §12: signed before its effective time, the decision is published at once as announced
        # ("将于…起启动" / "将于…解除") and applied at that time; the warning keeps the level in force.
        ahead = form.effective_at > now
        if ahead:
            warning.pending_form = form
            if form.action == lc.Action.ISSUE:
                warning.status = Warning.Status.ANNOUNCED
            warning.save(update_fields=["status", "pending_form"])
        else:
            _apply_decision(warning, form, now=now)
        deadline_start(
            kind=lc.DeadlineKind.PUBLISH, key=deadline_keys.publish(form.pk), start=now, warning=warning, form=form
        )
        deadline_start(
            kind=lc.DeadlineKind.UNITS_NOTIFIED,
            key=deadline_keys.units_notified(form.pk),
            start=now,
            warning=warning,
            form=form,
        )
        if form.action in (lc.Action.ISSUE, lc.Action.UPGRADE) and form.level in ("yellow", "orange", "red"):
            deadline_start(
                kind=lc.DeadlineKind.WRITTEN_REPORT,
                key=deadline_keys.written_report(form.pk),
                start=now,
                warning=warning,
                form=form,
            )
        audit_record(
            actor=actor,
            action="alerts.form.approved",
            target=form,
            before=before,
            after=_snapshot(form),
            data={
                "opinion": form.leader_opinion,
                "effective_at": form.effective_at,
                "effective_on_publication": form.effective_on_publication,
                "reauthenticated": list(factors),
            },
        )
        if ahead:
            audit_record(
                actor=actor,
                action="alerts.warning.announced",
                target=warning,
                before=warning_before,
                after={"status": warning.status, "level": warning.level},
                data={"form": form.pk, "action": form.action, "level": form.level, "effective_at": form.effective_at},
            )
            outbox_emit(
                "alerts.warning.effective", {"form_id": form.pk}, countdown=(form.effective_at - now).total_seconds()
            )
        else:
            audit_record(
                actor=actor,
                action=f"alerts.warning.{form.action}",
                target=warning,
                before=warning_before,
                after={"status": warning.status, "level": warning.level},
                data={"form": form.pk},
            )
        outbox_emit("alerts.form.decided", {"form_id": form.pk})
        outbox_emit("alerts.warning.publish", {"form_id": form.pk})
        if not (ahead and form.action == lc.Action.LIFT):
            # Orders go to the member units at approval, naming the effective start (§12, §5.6); a
            # lift signed in advance closes them at its effective end (warning_bring_into_force).
            outbox_emit("response.orders", {"form_id": form.pk})
    return form


def _pending_guard(warning: Warning | None = None) -> None:
    """§12: while a signed decision waits for its effective time, no other decision is drafted or
    signed (it would be decided against a level that is about to change)."""
    pending = (
        Warning.objects.filter(pending_form__isnull=False).select_related("pending_form").first()
        if warning is None
        else (warning if warning.pending_form_id else None)
    )
    if pending is not None:
        form = pending.pending_form
        raise WarningError(
            f"已签发的{form.get_action_display()}决定（{pending.number}）将于 "
            f"{timezone.localtime(form.effective_at):%Y-%m-%d %H:%M} 生效，生效后才能起草或签发新的审批表。"
        )


def _apply_decision(warning: Warning, form: ApprovalForm, *, now: dt.datetime) -> None:
    """Put a signed decision in force on the warning (at signature, or at its effective time)."""
    if form.action == lc.Action.LIFT:
        warning.status = Warning.Status.LIFTED
        warning.level = lc.Level.NONE
        warning.response_level = ""
        warning.lifted_at = form.effective_at if form.effective_at > now else now
        # The daily reports' clocks run on: every day of the response is reported, the last
        # day included, the morning after the lift (§9; response.services.daily_deadlines_open).
    else:
        warning.status = Warning.Status.ACTIVE
        warning.level = form.level
        warning.response_level = form.response_level
        # What the warning says is the approved form's (§11); the warning's fields keep the pages
        # that read them (list, public page, CAP) current.
        if form.action == lc.Action.ISSUE and form.pollution_start:
            warning.episode_start = form.pollution_start
        if form.episode_end or form.pollution_end:
            warning.episode_end = form.episode_end or form.pollution_end
        if form.primary_pollutant:
            warning.primary_pollutant = form.primary_pollutant
        if form.aqi_range:
            warning.aqi_range = form.aqi_range
    if form.public_message:
        warning.public_message = form.public_message
    warning.pending_form = None
    warning.save(
        update_fields=[
            "status",
            "level",
            "response_level",
            "lifted_at",
            "episode_start",
            "episode_end",
            "primary_pollutant",
            "aqi_range",
            "public_message",
            "pending_form",
        ]
    )


def warning_bring_into_force(*, form_id: int, now: dt.datetime | None = None) -> Warning | None:
    """§12: at its effective time, a decision signed in advance comes into force — the announced
    issue starts, the level changes, or the lift ends the warning (and then its response: the
    orders close, §5.7). The system acts (audited without an actor). Idempotent: nothing when the
    decision is not the warning's pending one any more (already applied) or not due yet."""
    now = now or timezone.now()
    with transaction.atomic():
        form = ApprovalForm.objects.get(pk=form_id)
        warning = Warning.objects.select_for_update().get(pk=form.warning_id)
        if warning.pending_form_id != form.pk or form.status != ApprovalForm.Status.APPROVED:
            return None
        if form.effective_at > now:
            # Handed out early (a worker's clock, or tasks run eagerly without a broker): the beat's
            # warnings-into-force job brings it into force within a minute of its time.
            return None
        before = {"status": warning.status, "level": warning.level}
        _apply_decision(warning, form, now=form.effective_at)
        audit_record(
            actor=None,
            action=f"alerts.warning.{form.action}",
            target=warning,
            before=before,
            after={"status": warning.status, "level": warning.level},
            data={"form": form.pk, "announced_at": form.decided_at, "effective_at": form.effective_at},
        )
        if form.action == lc.Action.LIFT:
            outbox_emit("response.orders", {"form_id": form.pk})
        # The public page and the CAP feed say what is in force now.
        outbox_emit("publication.refresh", {"form_id": form.pk})
    return warning


def warnings_bring_into_force_due(*, now: dt.datetime | None = None) -> int:
    """Beat: every decision whose effective time has passed and is not in force yet (a backstop for
    a delayed event that was lost); idempotent."""
    now = now or timezone.now()
    due = Warning.objects.filter(pending_form__isnull=False, pending_form__effective_at__lte=now)
    return sum(
        1
        for form_id in due.values_list("pending_form_id", flat=True)
        if warning_bring_into_force(form_id=form_id, now=now) is not None
    )


def form_reject(*, actor, form_id: int, comment: str, reauth=None) -> ApprovalForm:
    """Send back (退回) with a comment; the office may redraft. The API requires the signer's
    re-authentication for it too (``reauth``, recorded in the audit entry)."""
    if not comment.strip():
        raise WarningError("退回时请填写理由。", status=BAD_INPUT)
    if reauth is not None and reauth.user_id != actor.pk:
        raise NotYourDecisionError("身份验证与签发人不符，未执行。")
    with transaction.atomic():
        form = ApprovalForm.objects.select_for_update().get(pk=form_id)
        _decide_guard(form, actor)
        before = _snapshot(form)
        form.status = ApprovalForm.Status.REJECTED
        form.decided_by = actor
        form.decided_at = timezone.now()
        form.decision_comment = comment.strip()
        form.leader_opinion = comment.strip()
        form.save(update_fields=["status", "decided_by", "decided_at", "decision_comment", "leader_opinion"])
        audit_record(
            actor=actor,
            action="alerts.form.rejected",
            target=form,
            before=before,
            after=_snapshot(form),
            data={
                "comment": form.decision_comment,
                "reauthenticated": list(reauth.factors) if reauth is not None else [],
            },
        )
        outbox_emit("alerts.form.decided", {"form_id": form.pk})
    return form


def form_draft_from_evaluation(*, evaluation_id: int) -> ApprovalForm | None:
    """The Celery step after an evaluation that calls for issue, upgrade, downgrade or lift:
    draft the approval form (level, basis, the §4.2.3 content) so the office reviews and submits.
    Idempotent: one auto-draft per evaluation; nothing when a form is already in flight."""
    evaluation = Evaluation.objects.get(pk=evaluation_id)
    if not evaluation.calls_for_action or evaluation.replay_id:
        return None
    if ApprovalForm.objects.filter(evaluation=evaluation).exists():
        return None
    if ApprovalForm.objects.filter(status__in=["draft", "submitted"]).exists():
        return None
    result = evaluation.result
    action = evaluation.recommendation
    level = result.get("proposed_level") or evaluation.level
    consultation = evaluation.consultations.order_by("-opened_at").first()
    texts = draft_texts(result=result, action=action, level=level, consultation=consultation)
    content = texts.form_fields()
    content["affected_areas"] = known_area_codes(content["affected_areas"])
    try:
        return form_draft(
            actor=None,
            action=action,
            level=None if action == "lift" else level,
            basis=texts.basis,
            content=texts.content,
            public_message=texts.public_message,
            effective_at=texts.effective_at,
            episode_end=texts.episode_end,
            evaluation=evaluation,
            consultation=consultation,
            auto=True,
            episode_start=texts.episode_start,
            **content,
        )
    except WarningError:
        return None
