from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("otp/", views.OtpVerifyView.as_view(), name="otp-verify"),
    path("otp/enrol/", views.OtpEnrolView.as_view(), name="otp-enrol"),
    path("tokens/", views.TokenPageView.as_view(), name="tokens"),
    path("tokens/<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="token-revoke"),
]
