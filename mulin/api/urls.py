"""REST API v1: the URL map, nothing else. Each app keeps its routes in its own `api_urls.py`;
a new app adds one include here. Every endpoint denies by default (IsAuthenticated) and scopes by
the actor.

The schema and Swagger UI are public and load only from /static. ReDoc is not offered: its
template pulls Google Fonts and it styles itself with inline <style>, both refused by our CSP.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include("mulin.accounts.api_urls")),
    path("", include("mulin.organizations.api_urls")),
    path("", include("mulin.notifications.api_urls")),
    path("", include("mulin.wishes.api_urls")),
    path("", include("mulin.points.api_urls")),
    path("", include("mulin.workorders.api_urls")),
    path("", include("mulin.patrols.api_urls")),
    path("", include("mulin.rosters.api_urls")),
    path("", include("mulin.roundtable.api_urls")),
    path("", include("mulin.stations.api_urls")),
    path("", include("mulin.activities.api_urls")),
    path("", include("mulin.health.api_urls")),
]
