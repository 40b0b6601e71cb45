"""The warning pages (预警): the office's list, warning and approval-form pages (附件5), the
provincial notices, the approver's inbox with signature and send-back (the deadlines board is
deadlines/views.py).

Thin views: a form validates, a service in alerts.services writes (and refuses with a Chinese
message, shown as is), the page redirects. Reads come from alerts.selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.contrib import messages
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.permissions import RoleRequiredMixin
from accounts.reauth import ReauthenticationError, signer_reauthenticate
from accounts.roles import LEADERS, STAFF, Role
from accounts.twofactor import role_needs_second_factor
from core.views_mixins import DomainErrorMessageMixin
from deadlines import selectors as deadline_selectors
from deadlines.access import DEADLINE_READERS
from deadlines.countdown import duration_text
from forecasts.domain.areas import CITY_CODE
from forecasts.models import Consultation, Evaluation

from .. import selectors, services
from ..domain import lifecycle as lc
from ..domain import notices as notice_rules
from ..drafting import draft_texts
from ..forms import (
    ApprovalFormDraftForm,
    ApprovalFormFields,
    NoticeForm,
    NoticeLiftForm,
    RejectForm,
    SignForm,
    WithdrawForm,
    now_local_minute,
)
from ..models import ApprovalForm, ProvincialNotice, Warning

OFFICE = frozenset({Role.OFFICE})
#: Who reads approval forms, notices and deadlines: the office that writes them, the leaders who
#: sign them, the forecasting group whose evaluation they cite, supervision and administrators.
FORM_READERS: frozenset[str] = frozenset({Role.OFFICE, Role.FORECASTER, Role.SUPERVISOR, Role.ADMIN, *LEADERS})

#: The forecasts app's pages for an evaluation and a consultation (forecasts/urls.py).
#: The plan asks for a warning at least this many hours before the episode (§4.2).
LEAD_HOURS = 24
LIST_PAGE = 30


# ----------------------------------------------------------------------------- helpers


def _form_queryset():
    return ApprovalForm.objects.select_related(
        "warning", "evaluation", "consultation", "provincial_notice", "drafted_by", "submitted_by", "decided_by"
    )


def _first_process_start(form: ApprovalForm) -> dt.datetime | None:
    """The start of the episode the form answers: the evaluation's first process with a level,
    else the warning's episode start."""
    if form.evaluation_id:
        for process in (form.evaluation.result or {}).get("processes", []):
            if process.get("level") not in (None, "none") and process.get("start"):
                return pd.Timestamp(process["start"]).to_pydatetime()
    return form.warning.episode_start


def lead_time(form: ApprovalForm, now: dt.datetime) -> dict | None:
    """§4.2: an issue (or upgrade) is to go out 24 hours or more before the episode starts."""
    if form.action not in (lc.Action.ISSUE, lc.Action.UPGRADE):
        return None
    if form.status not in (ApprovalForm.Status.DRAFT, ApprovalForm.Status.SUBMITTED):
        return None
    start = _first_process_start(form)
    if start is None:
        return None
    hours = lc.lead_time_hours(episode_start=start, now=now)
    return {
        "hours": round(hours, 1),
        "ago": round(-hours, 1),
        "started": hours < 0,
        "start": start,
        "short": hours < LEAD_HOURS,
    }


def _evaluation_view(evaluation) -> dict | None:
    """What an approver needs from the evaluation: its reasons, processes and windows (as rows),
    and the query for the forecast chart."""
    if evaluation is None:
        return None
    result = evaluation.result or {}

    def stamp(value):
        return pd.Timestamp(value).to_pydatetime() if value else None

    processes = [
        {
            **p,
            "start_at": stamp(p.get("start")),
            "end_at": stamp(p.get("end")),
            "level_name": lc.LEVEL_NAMES.get(lc.Level(p.get("level", "none")), ""),
        }
        for p in result.get("processes", [])
    ]
    windows = [
        {
            "start_at": stamp(w.get("start")),
            "end_at": stamp(w.get("end")),
            "value": w.get("value"),
            "rule": w.get("rule", ""),
            "level": w.get("level", ""),
        }
        for w in result.get("windows", [])
    ]
    now = timezone.localtime(evaluation.now)
    ends = [p["end_at"] for p in processes if p["end_at"]]
    last = max(ends) if ends else now + dt.timedelta(days=3)
    start = (now - dt.timedelta(days=2)).date()
    end = (timezone.localtime(last) + dt.timedelta(days=1)).date()
    return {
        "object": evaluation,
        "url": reverse("forecasts:evaluation", args=[evaluation.pk]),
        "reasons": result.get("reasons", []),
        "processes": processes,
        "windows": windows,
        "chart": {
            "series_url": f"{reverse('forecast-series')}?area={CITY_CODE}&start={start:%Y-%m-%d}&end={end:%Y-%m-%d}",
            "windows": [
                {"start": w.get("start"), "end": w.get("end"), "value": w.get("value")}
                for w in result.get("windows", [])
            ],
            "processes": [
                {k: p.get(k) for k in ("level", "start", "end", "peak_aqi")} for p in result.get("processes", [])
            ],
        },
    }


def _sign_refusal(form: ApprovalForm, user) -> str | None:
    """Why this person may not sign this form, before they try (the service checks again)."""
    return lc.may_sign(
        approver=form.approver_role,
        signer_role=user.role,
        signer_id=user.pk,
        drafted_by_id=form.drafted_by_id,
        submitted_by_id=form.submitted_by_id,
    )


def _redirect_to_form(form_id: int) -> HttpResponseRedirect:
    return redirect("alerts:form", pk=form_id)


def _local_times(values: dict) -> dict:
    """Form initial values: datetimes in local time to the minute (the inputs show no seconds)."""
    return {
        k: timezone.localtime(v).replace(second=0, microsecond=0) if isinstance(v, dt.datetime) else v
        for k, v in values.items()
    }


def _content_data(data: dict) -> dict:
    """The §11 keyword arguments of services.form_draft from a cleaned ApprovalFormDraftForm."""
    content = {name: data[name] for name in services.CONTENT_FIELDS if name in data}
    if "affected_areas" in content:
        content["affected_areas"] = [a.code for a in content["affected_areas"]]
    for name in ("weather_trend", "degree", "primary_pollutant"):
        if name in content:
            content[name] = content[name] or ""
    return content


def _level_label(level: str) -> str:
    return lc.LEVEL_NAMES.get(lc.Level(level), level) if level else ""


# ----------------------------------------------------------------------------- list, warning


class WarningListView(RoleRequiredMixin, TemplateView):
    """预警列表: the warning in force (or on its way) first, then the history, newest first."""

    allowed_roles = STAFF
    template_name = "alerts/list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        order = Case(
            When(status=Warning.Status.ACTIVE, then=Value(0)),
            When(status=Warning.Status.PENDING, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        try:
            page = max(1, int(self.request.GET.get("page", "1")))
        except ValueError:
            page = 1
        offset = (page - 1) * LIST_PAGE
        warnings = list(
            selectors.warnings_list()
            .annotate(in_force=order)
            .order_by("in_force", "-created_at", "-id")[offset : offset + LIST_PAGE + 1]
        )
        has_next = len(warnings) > LIST_PAGE
        warnings = warnings[:LIST_PAGE]
        for w in warnings:
            steps = selectors.timeline(w)
            w.steps = steps
            w.last_step = steps[-1] if steps else None
            w.open_form = next((f for f in w.forms.all() if f.status in ("draft", "submitted")), None)
            w.form_count = len(w.forms.all())
        # In force first: on the first page, the warning in force (if any) is the first row.
        if page == 1:
            active = warnings[0] if warnings and warnings[0].status == Warning.Status.ACTIVE else None
        else:
            active = selectors.active_warning()
        user = self.request.user
        ctx.update(
            warnings=warnings,
            active=active,
            page=page,
            has_next=has_next,
            is_office=user.role == Role.OFFICE,
            can_read_forms=user.role in FORM_READERS,
            can_read_deadlines=user.role in DEADLINE_READERS,
            awaiting_count=selectors.forms_awaiting(user).count() if user.role in LEADERS else None,
        )
        return ctx


class WarningDetailView(RoleRequiredMixin, TemplateView):
    """One warning: level, response, period, its timeline and forms, the evaluation and
    consultation that justified it, and its deadlines with countdowns."""

    allowed_roles = STAFF
    template_name = "alerts/warning.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        forms_qs = ApprovalForm.objects.select_related(
            "evaluation", "consultation", "provincial_notice", "drafted_by", "submitted_by", "decided_by"
        ).order_by("drafted_at", "id")
        warning = get_object_or_404(
            Warning.objects.select_related("provincial_notice").prefetch_related(Prefetch("forms", queryset=forms_qs)),
            pk=kwargs["pk"],
        )
        forms = list(warning.forms.all())
        user = self.request.user
        can_read_forms = user.role in FORM_READERS
        now = timezone.now()
        evaluations = {f.evaluation_id: f.evaluation for f in forms if f.evaluation_id}
        consultations = {f.consultation_id: f.consultation for f in forms if f.consultation_id}
        deadlines = []
        if user.role in DEADLINE_READERS:
            # The warning's own clocks, and the 1-hour form clocks of the consultations and
            # notices its forms answered.
            deadlines = deadline_selectors.with_countdown(
                deadline_selectors.of_warning(
                    warning, consultation_ids=consultations, notice_ids=[f.provincial_notice_id for f in forms]
                ),
                now,
            )
        ctx.update(
            warning=warning,
            forms=forms,
            timeline=selectors.timeline(warning),
            open_form=next((f for f in forms if f.status in ("draft", "submitted")), None),
            evaluations=[
                {"object": e, "url": reverse("forecasts:evaluation", args=[e.pk])} for e in evaluations.values()
            ],
            consultations=[
                {"object": c, "url": reverse("forecasts:consultation", args=[c.pk])} for c in consultations.values()
            ],
            deadlines=deadlines,
            can_read_forms=can_read_forms,
            is_office=user.role == Role.OFFICE,
            level_label=_level_label(warning.level),
            response_label=lc.RESPONSE_NAMES.get(warning.response_level, ""),
        )
        return ctx


# ----------------------------------------------------------------------------- new form


def _active_level() -> str:
    return selectors.active_level()


def _suggested_action(notice_level: str, active: str) -> str:
    if active == lc.Level.NONE:
        return lc.Action.ISSUE
    return lc.Action.UPGRADE if lc.RANK[lc.Level(notice_level)] > lc.RANK[lc.Level(active)] else lc.Action.DOWNGRADE


def _routing(action: str, active: str, target: str | None) -> tuple[str | None, str | None]:
    """Who the form will go to (§8), or why the action is not possible now; with no level chosen
    yet, the approvers of every level the action allows."""
    if action == lc.Action.LIFT or target:
        candidates = [target]
    else:
        candidates = [lc.Level.YELLOW, lc.Level.ORANGE, lc.Level.RED]
    routes: dict[str, list[str]] = {}
    errors = []
    notice_levels = selectors.notice_levels_in_force()
    for level in candidates:
        try:
            decision = lc.decide(action, active=active, target=level)
        except lc.LifecycleError as exc:
            errors.append(str(exc))
            continue
        # §8: the higher of the city's levels and the notices in force decides, as form_draft does.
        approver = notice_rules.approver_for(from_level=active, to_level=decision.to_level, notice_levels=notice_levels)
        routes.setdefault(approver, []).append(lc.LEVEL_NAMES[decision.to_level])
    if not routes:
        return None, errors[0] if errors else None
    if len(candidates) == 1:
        return lc.APPROVER_NAMES[next(iter(routes))], None
    return "；".join(f"{'、'.join(levels)}：{lc.APPROVER_NAMES[who]}" for who, levels in routes.items()), None


class FormNewView(RoleRequiredMixin, DomainErrorMessageMixin, TemplateView):
    """起草审批表 (附件5) for issue, upgrade, downgrade or lift; prefilled from the latest
    evaluation that calls for that action, or from a provincial notice (?notice=id)."""

    allowed_roles = OFFICE
    template_name = "alerts/form_new.html"
    form_refused_status = 200  # shown as an invalid form is

    def _action(self) -> str:
        action = self.request.GET.get("action") or self.request.POST.get("action") or lc.Action.ISSUE
        if action not in {a.value for a in lc.Action}:
            raise Http404(_("未知的事项。"))
        return action

    def _sources(self, action: str):
        """The evaluation, consultation and notice this form is drafted from, if any."""
        params = self.request.POST if self.request.method == "POST" else self.request.GET
        evaluation = consultation = notice = None
        if params.get("evaluation"):
            evaluation = Evaluation.objects.filter(pk=params["evaluation"], replay__isnull=True).first()
        elif self.request.method == "GET":
            latest = Evaluation.objects.filter(replay__isnull=True).first()
            if latest is not None and latest.recommendation == action:
                evaluation = latest
        if params.get("consultation"):
            consultation = Consultation.objects.filter(pk=params["consultation"]).first()
        elif evaluation is not None:
            consultation = evaluation.consultations.order_by("-opened_at").first()
        if params.get("notice"):
            notice = ProvincialNotice.objects.filter(pk=params["notice"]).first()
        return evaluation, consultation, notice

    def _texts(self, evaluation, action: str, level: str | None, consultation=None):
        if evaluation is None:
            return None
        level = level or (evaluation.result or {}).get("proposed_level") or evaluation.level
        if action != lc.Action.LIFT and level in (None, "", "none"):
            return None
        try:
            return draft_texts(result=evaluation.result or {}, action=action, level=level, consultation=consultation)
        except (KeyError, ValueError):
            return None

    def _initial(self, action: str, evaluation, consultation, notice) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "effective_at": now_local_minute(),
            "effective_on_publication": True,
            "department_opinion": _("拟同意，请领导审批。"),
        }
        if action != lc.Action.LIFT:
            # The warning level is decided on the city's series (warning-rules.md §1): the whole city
            # unless the evaluation names the areas.
            initial["affected_areas"] = [CITY_CODE]
        if consultation is not None and consultation.conclusion:
            initial["weather_trend"] = consultation.conclusion
        texts = self._texts(evaluation, action, None, consultation)
        if texts is not None:
            initial.update(
                basis=texts.basis,
                content=texts.content,
                public_message=texts.public_message,
                effective_at=timezone.localtime(texts.effective_at).replace(second=0, microsecond=0),
                episode_end=timezone.localtime(texts.episode_end) if texts.episode_end else None,
                **_local_times(texts.form_fields()),
            )
            if action != lc.Action.LIFT:
                initial["level"] = (evaluation.result or {}).get("proposed_level") or evaluation.level
        if evaluation is not None:
            initial["evaluation"] = evaluation.pk
        if consultation is not None:
            initial["consultation"] = consultation.pk
            if consultation.conclusion and "basis" in initial:
                initial["basis"] += _("\n会商结论：") + consultation.conclusion
        if notice is not None:
            initial["provincial_notice"] = notice.pk
            initial.setdefault("level", notice.level)
            if action != lc.Action.LIFT:
                initial.setdefault("pollution_start", timezone.localtime(notice.period_start))
                if notice.period_end:
                    initial.setdefault("pollution_end", timezone.localtime(notice.period_end))
            initial["basis"] = _("接到%(notice)s，%(period)s起执行。") % {
                "notice": notice,
                "period": timezone.localtime(notice.period_start).strftime("%Y年%m月%d日%H时"),
            } + ("\n" + initial["basis"] if initial.get("basis") else "")
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        action = self._action()
        evaluation, consultation, notice = self._sources(action)
        form = kwargs.get("form") or ApprovalFormDraftForm(
            action=action, initial=self._initial(action, evaluation, consultation, notice)
        )
        active = selectors.active_warning()
        target = form["level"].value() if "level" in form.fields else None
        approver, decision_error = _routing(action, active.level if active else lc.Level.NONE, target or None)
        ctx.update(
            form=form,
            action=action,
            action_label=lc.ACTION_NAMES[lc.Action(action)],
            active=active,
            evaluation=_evaluation_view(evaluation),
            consultation=consultation,
            notice=notice,
            consultation_url=reverse("forecasts:consultation", args=[consultation.pk]) if consultation else "",
            approver_label=approver,
            decision_error=decision_error,
            actions=[(a.value, lc.ACTION_NAMES[a]) for a in lc.Action],
        )
        return ctx

    def post(self, request, *args, **kwargs):
        action = self._action()
        evaluation, consultation, notice = self._sources(action)
        form = self.form = ApprovalFormDraftForm(request.POST, action=action)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        level = data.get("level") if action != lc.Action.LIFT else None
        texts = self._texts(evaluation, action, level, consultation)
        created = services.form_draft(
            actor=request.user,
            action=action,
            level=level,
            basis=data["basis"],
            content=data["content"],
            effective_at=data["effective_at"],
            episode_end=data.get("episode_end"),
            public_message=data.get("public_message", ""),
            department_opinion=data.get("department_opinion", ""),
            evaluation=evaluation,
            consultation=consultation,
            provincial_notice=data.get("provincial_notice"),
            provincial_consent=data.get("provincial_consent", ""),
            episode_start=(texts.episode_start if texts and texts.episode_start else data["effective_at"]),
            **_content_data(data),
        )
        messages.success(request, _("审批表已起草，请核对后提交审批。"))
        return _redirect_to_form(created.pk)


# ----------------------------------------------------------------------------- one form


class FormDetailView(RoleRequiredMixin, TemplateView):
    """审批表 as the table of 附件5 (printable), with what the office may do with it and, for
    the approver, everything needed to decide on one page."""

    allowed_roles = FORM_READERS
    template_name = "alerts/form.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = get_object_or_404(_form_queryset(), pk=kwargs["pk"])
        user = self.request.user
        now = timezone.now()
        is_office = user.role == Role.OFFICE
        is_leader = user.role in LEADERS
        status = form.status
        open_sibling = form.warning.forms.filter(status__in=["draft", "submitted"]).exclude(pk=form.pk).first()
        ctx.update(
            form_obj=form,
            warning=form.warning,
            history=form.warning.forms.exclude(pk=form.pk).order_by("drafted_at", "id"),
            is_office=is_office,
            can_edit=is_office and status == ApprovalForm.Status.DRAFT,
            can_submit=is_office and status == ApprovalForm.Status.DRAFT,
            can_withdraw=is_office and status in (ApprovalForm.Status.DRAFT, ApprovalForm.Status.SUBMITTED),
            can_redraft=is_office
            and status == ApprovalForm.Status.REJECTED
            and open_sibling is None
            and form.warning.status not in (Warning.Status.LIFTED, Warning.Status.CANCELLED),
            open_sibling=open_sibling,
            is_leader=is_leader,
            decide=status == ApprovalForm.Status.SUBMITTED and is_leader,
            sign_refusal=_sign_refusal(form, user) if is_leader else None,
            sign_form=SignForm(),
            sign_needs_otp=role_needs_second_factor(user),
            reject_form=RejectForm(),
            withdraw_form=WithdrawForm(),
            lead=lead_time(form, now),
            evaluation=_evaluation_view(form.evaluation),
            consultation_url=reverse("forecasts:consultation", args=[form.consultation_id])
            if form.consultation_id
            else "",
            deadlines=deadline_selectors.with_countdown(deadline_selectors.of_form(form), now),
            approver_label=lc.APPROVER_NAMES.get(lc.Approver(form.approver_role), ""),
            response_label=lc.RESPONSE_NAMES.get(form.response_level, ""),
        )
        return ctx


class FormEditView(RoleRequiredMixin, DomainErrorMessageMixin, TemplateView):
    """The office edits a draft (the public text, content, opinions, times) → services.form_update."""

    allowed_roles = OFFICE
    template_name = "alerts/form_edit.html"

    def form_refused(self, form, exc):
        return self.render_to_response(self.get_context_data(form_obj=self.form_obj, form=form))

    def _form_obj(self, pk: int) -> ApprovalForm:
        return get_object_or_404(_form_queryset(), pk=pk)

    def get(self, request, *args, **kwargs):
        form_obj = self._form_obj(kwargs["pk"])
        if form_obj.status != ApprovalForm.Status.DRAFT:
            messages.error(request, _("只有草稿可以修改；已提交的审批表请先撤回。"))
            return _redirect_to_form(form_obj.pk)
        fields = ApprovalFormFields(action=form_obj.action).fields
        initial = {name: getattr(form_obj, name) for name in fields if name != "affected_areas"}
        if "affected_areas" in fields:
            initial["affected_areas"] = [a.code for a in form_obj.affected_areas.all()]
        for name in ("effective_at", "episode_end", "pollution_start", "pollution_end"):
            if initial.get(name):
                initial[name] = timezone.localtime(initial[name])
        if not initial["weather_trend"] and form_obj.consultation_id and form_obj.consultation.conclusion:
            # Drafted before the consultation concluded: its record (附件4) now gives the trend.
            initial["weather_trend"] = form_obj.consultation.conclusion
        form = ApprovalFormFields(initial=initial, action=form_obj.action)
        return self.render_to_response(self.get_context_data(form_obj=form_obj, form=form))

    def post(self, request, *args, **kwargs):
        form_obj = self.form_obj = self._form_obj(kwargs["pk"])
        form = self.form = ApprovalFormFields(request.POST, action=form_obj.action)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form_obj=form_obj, form=form))
        fields = {name: value for name, value in form.cleaned_data.items() if name in form.fields}
        if "affected_areas" in fields:
            fields["affected_areas"] = list(fields["affected_areas"])
        services.form_update(actor=request.user, form_id=form_obj.pk, **fields)
        messages.success(request, _("审批表已保存。"))
        return _redirect_to_form(form_obj.pk)


class _FormActionView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """POST-only: one transition of one form through one service; the refusal is shown as is, on
    the form's page."""

    http_method_names = ["post"]
    success_message = ""
    domain_error_redirect = "alerts:form"

    def act(self, request, form_id: int):  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request, pk: int):
        get_object_or_404(ApprovalForm.objects.only("pk"), pk=pk)
        result = self.act(request, pk)
        if isinstance(result, HttpResponseRedirect):
            return result
        messages.success(request, self.success_message)
        return _redirect_to_form(result.pk if isinstance(result, ApprovalForm) else pk)


class FormSubmitView(_FormActionView):
    """提交审批: the draft goes into the routed approver's inbox."""

    allowed_roles = OFFICE
    success_message = _("已提交审批。")

    def act(self, request, form_id):
        return services.form_submit(actor=request.user, form_id=form_id)


class FormWithdrawView(_FormActionView):
    """撤回: a draft or a submitted form is taken back (an issue form cancels its pending warning)."""

    allowed_roles = OFFICE
    success_message = _("审批表已撤回。")

    def act(self, request, form_id):
        data = WithdrawForm(request.POST)
        reason = data.cleaned_data.get("reason", "") if data.is_valid() else ""
        return services.form_withdraw(actor=request.user, form_id=form_id, reason=reason)


class FormRedraftView(_FormActionView):
    """重新起草: after a send-back, a new draft with the same content for the office to revise."""

    allowed_roles = OFFICE
    success_message = _("已根据退回的审批表重新起草，请修改后再提交。")

    def act(self, request, form_id):
        return services.form_redraft(actor=request.user, form_id=form_id)


class FormApproveView(_FormActionView):
    """签发: the routed approver confirms with their password, and where the second factor is
    required a fresh code (re-authentication, accounts/reauth.py: counted by the lockout, audited)."""

    allowed_roles = LEADERS

    def act(self, request, form_id):
        data = SignForm(request.POST)
        if not data.is_valid():
            raise services.WarningError(" ".join(e for errors in data.errors.values() for e in errors))
        try:
            reauth = signer_reauthenticate(
                request,
                password=data.cleaned_data["password"],
                otp=data.cleaned_data.get("otp", ""),
                purpose="alerts.form.approve",
                target=ApprovalForm.objects.filter(pk=form_id).first(),
            )
        except ReauthenticationError as exc:
            messages.error(request, str(exc))
            return redirect("accounts:login") if exc.ended else _redirect_to_form(form_id)
        form = services.form_approve(
            actor=request.user, form_id=form_id, reauth=reauth, opinion=data.cleaned_data.get("opinion", "")
        )
        messages.success(request, _("已签发：%(form)s。办公室将在 2 小时内发布预警信息。") % {"form": form})
        return redirect("alerts:form", pk=form.pk)


class FormRejectView(_FormActionView):
    """退回: the routed approver sends the form back with a reason."""

    allowed_roles = LEADERS
    success_message = _("审批表已退回办公室。")

    def act(self, request, form_id):
        data = RejectForm(request.POST)
        if not data.is_valid():
            raise services.WarningError(" ".join(e for errors in data.errors.values() for e in errors))
        return services.form_reject(actor=request.user, form_id=form_id, comment=data.cleaned_data["comment"])


# ----------------------------------------------------------------------------- inbox


class InboxView(RoleRequiredMixin, TemplateView):
    """待我审批: the forms routed to my role, oldest first; built for a phone (one column, big
    buttons), each with its summary and the signature and send-back forms."""

    allowed_roles = LEADERS
    template_name = "alerts/inbox.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        now = timezone.now()
        items = list(
            selectors.forms_awaiting(user)
            .select_related("provincial_notice", "drafted_by")
            .prefetch_related("affected_areas")
        )
        for form in items:
            form.sign_refusal = _sign_refusal(form, user)
            form.waiting = (
                duration_text(max(0, int((now - form.submitted_at).total_seconds()))) if form.submitted_at else ""
            )
            form.lead = lead_time(form, now)
            form.response_label = lc.RESPONSE_NAMES.get(form.response_level, "")
        decided = ApprovalForm.objects.filter(decided_by=user).select_related("warning").order_by("-decided_at")[:10]
        ctx.update(
            items=items,
            decided=decided,
            sign_form=SignForm(),
            reject_form=RejectForm(),
            sign_needs_otp=role_needs_second_factor(user),
        )
        return ctx


# ----------------------------------------------------------------------------- notices


class NoticeListView(RoleRequiredMixin, DomainErrorMessageMixin, TemplateView):
    """省/区域预警通知: record one (its 1-hour form clock starts at receipt), and the notices
    with the forms that answered them."""

    allowed_roles = DEADLINE_READERS
    write_roles = OFFICE
    template_name = "alerts/notices.html"
    form_refused_status = 200  # shown as an invalid form is

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        now = timezone.now()
        notices = list(
            ProvincialNotice.objects.select_related("recorded_by").prefetch_related(
                Prefetch("forms", queryset=ApprovalForm.objects.select_related("warning").order_by("drafted_at", "id")),
                Prefetch("deadlines", queryset=deadline_selectors.ordered()),
            )[:50]
        )
        active = _active_level()
        for notice in notices:
            notice.clocks = deadline_selectors.with_countdown(notice.deadlines.all(), now)
            notice.suggested_action = _suggested_action(notice.level, active)
        form = kwargs.get("form") or NoticeForm(
            initial={"received_at": now_local_minute(), "period_start": now_local_minute()}
        )
        ctx.update(notices=notices, form=form, is_office=self.request.user.role == Role.OFFICE)
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.form = NoticeForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        notice = services.provincial_notice_record(
            actor=request.user,
            scope=data["scope"],
            level=data["level"],
            document_number=data["document_number"],
            period_start=data["period_start"],
            period_end=data.get("period_end"),
            received_at=data["received_at"],
            text=data.get("text", ""),
        )
        messages.success(request, _("已登记%(notice)s。请在接到通知后 1 小时内填报审批表。") % {"notice": notice})
        action = _suggested_action(notice.level, _active_level())
        return redirect(f"{reverse('alerts:form-new')}?action={action}&notice={notice.pk}")


class NoticeLiftView(RoleRequiredMixin, DomainErrorMessageMixin, View):
    """POST-only: record a notice's lift (解除通知); from then on it no longer binds the city's
    decisions (warning-rules.md §8)."""

    allowed_roles = OFFICE
    http_method_names = ["post"]
    domain_error_redirect = "alerts:notices"

    def domain_error_url(self, exc) -> str:
        return reverse("alerts:notices")

    def post(self, request, pk: int):
        notice = get_object_or_404(ProvincialNotice.objects.only("pk"), pk=pk)
        form = NoticeLiftForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("alerts:notices")
        notice = services.provincial_notice_lift_record(
            actor=request.user,
            notice_id=notice.pk,
            document_number=form.cleaned_data["lift_document_number"],
            lifted_at=form.cleaned_data["lifted_at"],
        )
        messages.success(request, _("已登记%(notice)s的解除。") % {"notice": notice})
        return redirect("alerts:notices")
