from django.urls import path

from . import views

app_name = "advisories"
urlpatterns = [
    path("", views.AdvisoryListView.as_view(), name="list"),
    path("ozone/<int:pk>/", views.OzonePromptView.as_view(), name="ozone"),
    path("ozone/<int:pk>/confirm/", views.OzoneConfirmView.as_view(), name="ozone-confirm"),
    path("ozone/<int:pk>/end/", views.OzoneEndView.as_view(), name="ozone-end"),
    path("ozone-orders/<int:pk>/", views.OzoneOrderView.as_view(), name="ozone-order"),
    path(
        "ozone-orders/<int:pk>/acknowledge/", views.OzoneOrderAcknowledgeView.as_view(), name="ozone-order-acknowledge"
    ),
    path("ozone-orders/<int:pk>/in-place/", views.OzoneOrderInPlaceView.as_view(), name="ozone-order-in-place"),
    path("so2/<int:pk>/", views.So2TaskView.as_view(), name="so2"),
    path("so2/<int:pk>/acknowledge/", views.So2AcknowledgeView.as_view(), name="so2-acknowledge"),
    path("so2/<int:pk>/answer/", views.So2AnswerView.as_view(), name="so2-answer"),
]
