from django.urls import path

from . import views

app_name = "publication"
# Included at the root (yangquan_aqi/urls.py): the pages keep the addresses they were published
# under (/warnings/…; /public/ is the root's route ``public``) — the CAP feed and alerts are read by
# other platforms, the written report and the duty page are linked from every notice.
urlpatterns = [
    path("warnings/cap/feed.atom", views.CapFeedView.as_view(), name="cap-feed"),
    path("warnings/cap/<int:form_id>.xml", views.CapAlertView.as_view(), name="cap-alert"),
    path("warnings/<int:warning_id>/report/", views.WrittenReportView.as_view(), name="report"),
    path("warnings/duty/", views.DutyView.as_view(), name="duty"),
    path("warnings/forms/<int:form_id>/channels/", views.ChannelsView.as_view(), name="channels"),
]
