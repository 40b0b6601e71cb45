from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("healthz/", views.HealthView.as_view(), name="healthz"),
    path("language/", views.LanguageView.as_view(), name="language"),
    path("system/", views.SystemView.as_view(), name="system"),
]
