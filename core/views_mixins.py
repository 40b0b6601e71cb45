"""Page views stay thin (STYLE.md): form → service → domain error to a message → redirect or the
form again. The API side of the same errors is ``core.api.exception_handler``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .errors import DomainError


class DomainErrorMessageMixin:
    """A :class:`~core.errors.DomainError` raised while the view answers (by the service it calls)
    becomes what the person reads:

    - on a page that posts a form, the form's error above its fields and the form again: the view
      keeps its bound form in ``self.form`` and shows it in :meth:`form_refused`;
    - otherwise an error message and a redirect to :meth:`domain_error_url`, by default the URL
      named ``domain_error_redirect`` with the view's own URL arguments (an action posted from a
      page goes back to that page).

    Views override :meth:`domain_error_response` where one error calls for another page (a report
    already filed: that report).
    """

    #: URL name to go back to after a refusal; reversed with the view's URL arguments.
    domain_error_redirect: str = ""
    #: HTTP status of a form shown again with its refusal; None: the error's own status.
    form_refused_status: int | None = None
    form = None

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except DomainError as exc:
            return self.domain_error_response(exc)

    def domain_error_response(self, exc: DomainError) -> HttpResponse:
        if self.form is not None:
            self.form.add_error(None, exc.message)
            return self.form_refused(self.form, exc)
        messages.error(self.request, exc.message)
        return redirect(self.domain_error_url(exc))

    def form_refused(self, form, exc: DomainError) -> HttpResponse:
        """The form again with the refusal (the default for a TemplateView)."""
        return self.render_to_response(self.get_context_data(form=form), status=self.form_refused_status or exc.status)

    def domain_error_url(self, exc: DomainError) -> str:
        return reverse(self.domain_error_redirect, kwargs=self.kwargs)
