from django.urls import path

from . import views

urlpatterns = [
    path("warnings/", views.WarningListView.as_view(), name="api-warnings"),
    path("warnings/<int:pk>/", views.WarningDetailView.as_view(), name="api-warning"),
    path("warnings/<int:pk>/approve/", views.WarningApproveView.as_view(), name="api-warning-approve"),
    path("warnings/<int:pk>/reject/", views.WarningRejectView.as_view(), name="api-warning-reject"),
    path("public/warning/", views.PublicWarningView.as_view(), name="api-public-warning"),
]
