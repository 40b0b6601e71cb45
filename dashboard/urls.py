from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),  # /?panel=<name> refreshes one panel
    path("charts/aqi-year/", views.AqiYearView.as_view(), name="aqi-year"),
]
