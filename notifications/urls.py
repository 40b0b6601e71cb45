from django.urls import path

from . import views

app_name = "notifications"
# Included at the root (yangquan_aqi/urls.py): the SMS pages keep the addresses they were given
# under /warnings/ — the gateway is configured with the receipt's, and every warning SMS carries
# the subscription page's.
urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="list"),
    path("notifications/<int:pk>/read/", views.NotificationReadView.as_view(), name="read"),
    path("warnings/deliveries/", views.DeliveryListView.as_view(), name="deliveries"),
    path("warnings/sms/receipt/", views.SmsReceiptView.as_view(), name="sms-receipt"),
    path("warnings/subscribe/", views.SubscribeView.as_view(), name="subscribe"),
]
