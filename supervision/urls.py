from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("inspections/", views.InspectionListView.as_view(), name="inspections"),
    path("inspections/export.xlsx", views.InspectionExportView.as_view(), name="inspections-export"),
    path("inspections/new/", views.InspectionCreateView.as_view(), name="inspection-new"),
    path("inspections/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection"),
    path("inspections/<int:pk>/edit/", views.InspectionEditView.as_view(), name="inspection-edit"),
    path("inspections/<int:pk>/follow-up/", views.InspectionFollowUpView.as_view(), name="inspection-follow-up"),
    path("inspections/<int:pk>/delete/", views.InspectionDeleteView.as_view(), name="inspection-delete"),
    path("inspections/<int:pk>/photos/<int:photo_id>/", views.PhotoView.as_view(), name="inspection-photo"),
    path("inspections/<int:pk>/enforcement/", views.EnforcementOrderView.as_view(), name="enforcement-new"),
    path("enforcement/", views.EnforcementListView.as_view(), name="enforcement-list"),
    path("enforcement/<int:pk>/", views.EnforcementDetailView.as_view(), name="enforcement"),
    path("enforcement/<int:pk>/step/", views.EnforcementStepView.as_view(), name="enforcement-step"),
    path("enterprises/<int:pk>/", views.EnterpriseRecordView.as_view(), name="enterprise"),
    path("tipoff/", views.TipOffCreateView.as_view(), name="tipoff"),
    path("tipoff/done/", views.TipOffDoneView.as_view(), name="tipoff-done"),
    path("tipoff/lookup/", views.TipOffLookupView.as_view(), name="tipoff-lookup"),
    path("tipoffs/", views.TipOffListView.as_view(), name="tipoffs"),
    path("tipoffs/new/", views.TipOffEnterView.as_view(), name="tipoff-new"),
    path("tipoffs/<int:pk>/", views.TipOffDetailView.as_view(), name="tipoff-detail"),
    path("tipoffs/<int:pk>/action/", views.TipOffActionView.as_view(), name="tipoff-action"),
    path("tipoffs/<int:pk>/answer/", views.TipOffAnswerView.as_view(), name="tipoff-answer"),
    path("tipoffs/<int:pk>/route/", views.TipOffRouteView.as_view(), name="tipoff-route"),
]
