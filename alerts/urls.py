from django.urls import path  # noqa: F401

from .views import pages
from .views import publication as publication_views

app_name = "alerts"
urlpatterns: list = [
    # --- office and approver pages (alerts/views/pages.py): warnings, forms, inbox, notices ---
    path("", pages.WarningListView.as_view(), name="list"),
    path("<int:pk>/", pages.WarningDetailView.as_view(), name="warning"),
    path("new/", pages.FormNewView.as_view(), name="form-new"),
    path("forms/<int:pk>/", pages.FormDetailView.as_view(), name="form"),
    path("forms/<int:pk>/edit/", pages.FormEditView.as_view(), name="form-edit"),
    path("forms/<int:pk>/submit/", pages.FormSubmitView.as_view(), name="form-submit"),
    path("forms/<int:pk>/withdraw/", pages.FormWithdrawView.as_view(), name="form-withdraw"),
    path("forms/<int:pk>/redraft/", pages.FormRedraftView.as_view(), name="form-redraft"),
    path("forms/<int:pk>/approve/", pages.FormApproveView.as_view(), name="form-approve"),
    path("forms/<int:pk>/reject/", pages.FormRejectView.as_view(), name="form-reject"),
    path("inbox/", pages.InboxView.as_view(), name="inbox"),
    path("notices/", pages.NoticeListView.as_view(), name="notices"),
    # --- publication pages (alerts/views/publication.py): CAP feed, written report, duty confirmations ---
    path("cap/feed.atom", publication_views.CapFeedView.as_view(), name="cap-feed"),
    path("cap/<int:form_id>.xml", publication_views.CapAlertView.as_view(), name="cap-alert"),
    path("<int:warning_id>/report/", publication_views.WrittenReportView.as_view(), name="report"),
    path("duty/", publication_views.DutyView.as_view(), name="duty"),
]
