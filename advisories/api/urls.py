from django.urls import path

from . import views

urlpatterns = [
    path("advisories/ozone-prompts/", views.OzonePromptListView.as_view(), name="api-ozone-prompts"),
    path(
        "advisories/ozone-prompts/<int:pk>/confirm/",
        views.OzonePromptConfirmView.as_view(),
        name="api-ozone-prompt-confirm",
    ),
    path("advisories/ozone-prompts/<int:pk>/end/", views.OzonePromptEndView.as_view(), name="api-ozone-prompt-end"),
    path("advisories/so2-tasks/", views.So2TaskListView.as_view(), name="api-so2-tasks"),
    path(
        "advisories/so2-tasks/<int:pk>/acknowledge/",
        views.So2TaskAcknowledgeView.as_view(),
        name="api-so2-task-acknowledge",
    ),
    path("advisories/so2-tasks/<int:pk>/answer/", views.So2TaskAnswerView.as_view(), name="api-so2-task-answer"),
    path("public/ozone-prompt/", views.PublicOzonePromptView.as_view(), name="api-public-ozone-prompt"),
]
