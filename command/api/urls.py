from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("areas", views.AreaViewSet, basename="area")
router.register("units", views.MemberUnitViewSet, basename="unit")
router.register("groups", views.WorkingGroupViewSet, basename="group")
router.register("experts", views.ExpertViewSet, basename="expert")
urlpatterns = router.urls
