from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.permissions import RoleAccess
from accounts.roles import PUBLIC, STAFF
from accounts.views import MeView, TokenDetailView, TokenListView, TokenView
from publication.views import PublicWarningPageView

admin.site.site_header = _("阳泉市重污染天气应急指挥系统 · 后台管理")
admin.site.site_title = _("应急指挥系统后台")
admin.site.index_title = _("数据维护")

# Access of views outside our apps, for the role-matrix test (see accounts/roles.py).
set_language.allowed_roles = PUBLIC


class _DiagnosticsAccess:
    """Who may read the API schema and docs: anyone on the embedded default, signed-in staff in
    production (settings.PUBLIC_DIAGNOSTICS). Read when asked, so the role matrix follows it."""

    def __get__(self, instance, owner):
        return PUBLIC if settings.PUBLIC_DIAGNOSTICS else STAFF


class SchemaView(SpectacularAPIView):
    allowed_roles = _DiagnosticsAccess()
    permission_classes = [RoleAccess]  # instead of SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]


class DocsView(SpectacularSwaggerView):
    allowed_roles = _DiagnosticsAccess()
    permission_classes = [RoleAccess]


api_v1 = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/me/", MeView.as_view(), name="api-me"),
    path("auth/tokens/", TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<int:pk>/", TokenDetailView.as_view(), name="api-token-detail"),
    path("command/", include("command.api.urls")),
    path("forecasts/", include("forecasts.api.urls")),
    path("", include("alerts.api.urls")),
    path("", include("deadlines.api.urls")),  # the office's close-out of a notice's clock (§9)
    # --- measures, response, supervision, reviews APIs (each app's api/urls.py; add with include) ---
    path("", include("measures.api.urls")),
    path("", include("response.api.urls")),
    path("", include("publication.api.urls")),  # the channels of a publication (§4.2.4)
    path("", include("supervision.api.urls")),
    path("", include("advisories.api.urls")),
    path("", include("counties.api.urls")),
    path("", include("upkeep.api.urls")),
    path("", include("guarantees.api.urls")),
]

urlpatterns = [
    path("", include("dashboard.urls")),  # the dashboard at / (with /?panel=…) and /charts/aqi-year/
    path("", include("core.urls")),  # /healthz/, /language/, /system/
    path("accounts/", include("accounts.urls")),
    path("command/", include("command.urls")),
    path("forecasts/", include("forecasts.urls")),
    path("warnings/deadlines/", include("deadlines.urls")),
    path("", include("publication.urls")),  # the CAP feed, the written report, on-duty confirmations under /warnings/
    path("warnings/", include("alerts.urls")),
    path("public/", PublicWarningPageView.as_view(), name="public"),  # 公众页面: no login
    path("measures/", include("measures.urls")),
    path("response/", include("response.urls")),
    path("supervision/", include("supervision.urls")),
    path("reviews/", include("reviews.urls")),
    path("advisories/", include("advisories.urls")),
    path("counties/", include("counties.urls")),
    path("upkeep/", include("upkeep.urls")),
    path("guarantees/", include("guarantees.urls")),
    path("audit/", include("audit.urls")),
    path("", include("notifications.urls")),  # /notifications/… and the SMS pages under /warnings/
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
]
