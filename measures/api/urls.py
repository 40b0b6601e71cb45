from django.urls import path

from . import views

urlpatterns: list = [
    path("industry-measures/", views.IndustryMeasureListView.as_view(), name="industry-measures"),
]
