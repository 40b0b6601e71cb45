from django.urls import path

from . import views

app_name = "response"
urlpatterns = [
    path("orders/", views.OrderListView.as_view(), name="orders"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order"),
    path("orders/<int:pk>/acknowledge/", views.OrderAcknowledgeView.as_view(), name="order-acknowledge"),
    path("orders/<int:pk>/in-place/", views.OrderInPlaceView.as_view(), name="order-in-place"),
    path("reports/", views.ReportListView.as_view(), name="reports"),
    path("reports/new/", views.ReportCreateView.as_view(), name="report-new"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report"),
    path("reports/<int:pk>/attachments/<int:attachment_id>/", views.AttachmentView.as_view(), name="report-attachment"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("compliance.xlsx", views.ComplianceExcelView.as_view(), name="compliance-xlsx"),
]
