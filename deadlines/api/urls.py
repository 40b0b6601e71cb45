from django.urls import path

from . import views

urlpatterns = [
    path("notices/<int:pk>/close/", views.NoticeCloseView.as_view(), name="api-notice-close"),
]
