from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("mulin.web.urls")),
    path("accounts/", include("mulin.accounts.urls")),
    path("org/", include("mulin.organizations.urls")),
    path("notifications/", include("mulin.notifications.urls")),
    path("wishes/", include("mulin.wishes.urls")),
    path("points/", include("mulin.points.urls")),
    path("rosters/", include("mulin.rosters.urls")),
    path("workorders/", include("mulin.workorders.urls")),
    path("patrols/", include("mulin.patrols.urls")),
    path("stations/", include("mulin.stations.urls")),
    path("activities/", include("mulin.activities.urls")),
    path("health/", include("mulin.health.urls")),
    path("open311/v2/", include("mulin.workorders.open311_urls")),
    path("roundtable/", include("mulin.roundtable.urls")),
    path("api/v1/", include("mulin.api.urls")),
    path("system/django-admin/", admin.site.urls),
]

handler403 = "mulin.web.views.handler_403"
handler404 = "mulin.web.views.handler_404"
