from django.urls import path

from . import views

app_name = "command"
urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("units/<slug:slug>/", views.UnitDetailView.as_view(), name="unit"),
    path("groups/<slug:slug>/", views.GroupDetailView.as_view(), name="group"),
]
