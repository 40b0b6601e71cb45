from django.urls import path

from . import views

urlpatterns = [
    path("daily-reports/", views.DailyReportListView.as_view(), name="api-daily-reports"),
    path("daily-reports/compliance/", views.ComplianceView.as_view(), name="api-daily-report-compliance"),
    path("orders/", views.OrderListView.as_view(), name="api-orders"),
    path("orders/<int:pk>/acknowledge/", views.OrderAcknowledgeView.as_view(), name="api-order-acknowledge"),
    path("orders/<int:pk>/in-place/", views.OrderInPlaceView.as_view(), name="api-order-in-place"),
]
