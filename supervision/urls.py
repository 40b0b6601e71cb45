from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("inspections/", views.InspectionListView.as_view(), name="inspections"),
    path("inspections/new/", views.InspectionCreateView.as_view(), name="inspection-new"),
    path("inspections/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection"),
    path("inspections/<int:pk>/edit/", views.InspectionEditView.as_view(), name="inspection-edit"),
    path("inspections/<int:pk>/follow-up/", views.InspectionFollowUpView.as_view(), name="inspection-follow-up"),
    path("inspections/<int:pk>/delete/", views.InspectionDeleteView.as_view(), name="inspection-delete"),
    path("inspections/<int:pk>/photos/<int:photo_id>/", views.PhotoView.as_view(), name="inspection-photo"),
    path("tipoff/", views.TipOffCreateView.as_view(), name="tipoff"),
    path("tipoff/done/", views.TipOffDoneView.as_view(), name="tipoff-done"),
    path("tipoffs/", views.TipOffListView.as_view(), name="tipoffs"),
    path("tipoffs/<int:pk>/", views.TipOffDetailView.as_view(), name="tipoff-detail"),
    path("tipoffs/<int:pk>/action/", views.TipOffActionView.as_view(), name="tipoff-action"),
]
