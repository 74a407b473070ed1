"""API v1 routes of health checks (included by mulin/api/urls.py under the "api" namespace)."""

from django.urls import path

from mulin.health import apis

urlpatterns = [
    path("health-checks/", apis.HealthCheckListApi.as_view(), name="health-checks"),
    path("health-checks/measures/", apis.HealthMeasureListApi.as_view(), name="health-measures"),
    path("health-checks/<int:check_id>/", apis.HealthCheckDetailApi.as_view(), name="health-check"),
    path("health-checks/activities/<int:activity_id>/", apis.HealthRosterApi.as_view(), name="health-roster"),
    path("health-consents/", apis.HealthConsentListApi.as_view(), name="health-consents"),
    path(
        "health-consents/<int:consent_id>/withdraw/",
        apis.HealthConsentWithdrawApi.as_view(),
        name="health-consent-withdraw",
    ),
]
