from django.urls import path

from . import views

urlpatterns = [
    path("inspections/", views.InspectionListView.as_view(), name="api-inspections"),
    path("inspections/<int:pk>/", views.InspectionDetailView.as_view(), name="api-inspection"),
    path("tipoffs/", views.TipOffListView.as_view(), name="api-tipoffs"),
]
