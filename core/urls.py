from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz/", views.HealthView.as_view(), name="healthz"),
    path("charts/aqi-year/", views.AqiYearView.as_view(), name="aqi-year"),
    path("language/", views.LanguageView.as_view(), name="language"),
    path("system/", views.SystemView.as_view(), name="system"),
]
