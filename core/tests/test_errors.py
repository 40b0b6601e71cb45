"""The one domain error: its code and status, the API's answer, the pages' message."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View

from accounts.services import DemoNotAllowedError, TokenError
from alerts.domain.lifecycle import LifecycleError
from alerts.services import MissingContentError, NotYourDecisionError, WarningError
from audit.models import AuditImmutableError
from command.services import PlanDataError
from core.api import exception_handler
from core.errors import DomainError
from core.views_mixins import DomainErrorMessageMixin
from forecasts.imports import ForecastImportRejected
from forecasts.replays import ReplayError
from forecasts.services import ConsultationError
from measures.selectors import UnknownValue
from measures.services import EnterpriseImportRejected, MeasuresDataError
from notifications.delivery import SubscriptionError
from response.services import DailyReportExistsError, NotYourUnitError, OrderStateError, ResponseError
from reviews.services import ReviewError
from supervision.services import NotAllowedError, SupervisionError


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (DemoNotAllowedError, "accounts.demo.not_allowed", 403),
        (TokenError, "accounts.token.refused", 401),
        (WarningError, "alerts.refused", 409),
        (MissingContentError, "alerts.form.content_missing", 400),
        (NotYourDecisionError, "alerts.form.not_yours", 403),
        (LifecycleError, "alerts.lifecycle.not_allowed", 409),
        (AuditImmutableError, "audit.immutable", 409),
        (PlanDataError, "command.plan_data.invalid", 400),
        (MeasuresDataError, "measures.plan_data.invalid", 400),
        (ConsultationError, "forecasts.consultation.refused", 409),
        (ReplayError, "forecasts.replay.refused", 400),
        (ForecastImportRejected, "forecasts.import.rejected", 400),
        (EnterpriseImportRejected, "measures.import.rejected", 400),
        (UnknownValue, "measures.unknown_value", 400),
        (SubscriptionError, "notifications.subscription.refused", 400),
        (ResponseError, "response.refused", 400),
        (NotYourUnitError, "response.not_your_unit", 403),
        (OrderStateError, "response.order.state", 409),
        (DailyReportExistsError, "response.report.exists", 409),
        (ReviewError, "reviews.refused", 409),
        (SupervisionError, "supervision.refused", 400),
        (NotAllowedError, "supervision.not_allowed", 403),
    ],
)
def test_every_apps_error_is_a_domain_error_with_its_code_and_status(error, code, status):
    assert issubclass(error, DomainError)
    assert (error.code, error.status) == (code, status)


def test_an_instance_may_name_a_finer_code_and_status_and_carry_data():
    exc = ReviewError("演练记录不存在。", code="reviews.drill.not_found", status=404, data={"drill": 7})
    assert (str(exc), exc.message, exc.code, exc.status) == (
        "演练记录不存在。",
        "演练记录不存在。",
        "reviews.drill.not_found",
        404,
    )
    assert ReviewError.code == "reviews.refused"  # the class keeps its default
    assert exc.as_dict() == {"detail": "演练记录不存在。", "code": "reviews.drill.not_found", "drill": 7}


def test_data_never_overrides_detail_or_code():
    exc = DomainError("不行。", data={"detail": "别的", "code": "x", "missing": ["degree"]})
    assert exc.as_dict() == {"detail": "不行。", "code": "domain.refused", "missing": ["degree"]}


def test_the_api_answers_a_domain_error_with_its_status_detail_code_and_data():
    response = exception_handler(MissingContentError("请填写：首要污染物。", ["primary_pollutant"]), {})
    assert response.status_code == 400
    assert response.data == {
        "detail": "请填写：首要污染物。",
        "code": "alerts.form.content_missing",
        "missing": ["primary_pollutant"],
    }
    assert exception_handler(NotYourDecisionError("只能由总指挥签发。"), {}).status_code == 403


def test_other_api_errors_keep_their_detail():
    from rest_framework.exceptions import ValidationError

    response = exception_handler(ValidationError({"note": ["必填。"]}), {})
    assert response.status_code == 400
    assert response.data == {"detail": "提交的数据有误，请按字段修正。", "errors": {"note": ["必填。"]}}
    assert exception_handler(ValueError("not ours"), {}) is None  # a bug stays a 500


# ----------------------------------------------------------------------------- pages


class _NoteForm(forms.Form):
    note = forms.CharField()


class _ActionView(DomainErrorMessageMixin, View):
    domain_error_redirect = "supervision:tipoff-detail"

    def post(self, request, pk):
        raise SupervisionError("该举报已办结，不能再开始核查。")


class _FormView(DomainErrorMessageMixin, View):
    def form_refused(self, form, exc):
        return HttpResponse(" ".join(form.non_field_errors()), status=exc.status)

    def post(self, request):
        self.form = _NoteForm(request.POST)
        assert self.form.is_valid()
        raise ReviewError("统计表已定稿，不能修改；如需修改请先撤销定稿。")


def _post(path: str, data: dict | None = None):
    request = RequestFactory().post(path, data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_a_refused_action_is_a_message_and_a_redirect_to_its_page():
    request = _post("/supervision/tipoffs/5/action/")
    response = _ActionView.as_view()(request, pk=5)
    assert response.status_code == 302 and response.url == "/supervision/tipoffs/5/"
    assert [str(m) for m in get_messages(request)] == ["该举报已办结，不能再开始核查。"]


def test_a_refused_form_is_the_form_again_with_the_refusal_and_its_status():
    response = _FormView.as_view()(_post("/reviews/x/", {"note": "改"}))
    assert response.status_code == 409
    assert response.content.decode() == "统计表已定稿，不能修改；如需修改请先撤销定稿。"
