from django.urls import path

from .views import pages

app_name = "alerts"
# The office and approver pages (alerts/views/pages.py): warnings, forms, inbox, notices. The
# deadlines board is deadlines/urls.py, publication's pages publication/urls.py, the SMS pages
# notifications/urls.py — at their addresses under /warnings/.
urlpatterns: list = [
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
    path("notices/<int:pk>/lift/", pages.NoticeLiftView.as_view(), name="notice-lift"),
]
