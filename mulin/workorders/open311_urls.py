"""Open311 GeoReport v2 routes (JSON only): mounted at /open311/v2/ by config/urls.py. They take no
sign-in: services.json is public by the spec, the rest check the client's api_key themselves."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from mulin.workorders import open311

app_name = "open311"
urlpatterns = [
    path("services.json", login_not_required(open311.ServicesApi.as_view()), name="services"),
    path("requests.json", login_not_required(open311.RequestsApi.as_view()), name="requests"),
    path("requests/<int:request_id>.json", login_not_required(open311.RequestApi.as_view()), name="request"),
]
