from django.urls import path

from . import views

urlpatterns = [
    path("inspections/", views.InspectionListView.as_view(), name="api-inspections"),
    path("inspections/<int:pk>/", views.InspectionDetailView.as_view(), name="api-inspection"),
    path("tipoffs/", views.TipOffListView.as_view(), name="api-tipoffs"),
    path("tipoffs/<int:pk>/answer/", views.TipOffAnswerView.as_view(), name="api-tipoff-answer"),
    path("enforcement-actions/", views.EnforcementListView.as_view(), name="api-enforcement-actions"),
    path("enforcement-actions/<int:pk>/step/", views.EnforcementStepView.as_view(), name="api-enforcement-action-step"),
]
