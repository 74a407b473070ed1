"""API v1 routes of activities (included by mulin/api/urls.py under the "api" namespace)."""

from django.urls import path

from mulin.activities import apis

urlpatterns = [
    path("activities/", apis.ActivityListApi.as_view(), name="activities"),
    path("activities/types/", apis.ActivityTypeListApi.as_view(), name="activity-types"),
    path("activities/<int:activity_id>/", apis.ActivityDetailApi.as_view(), name="activity"),
    path("activities/<int:activity_id>/signup/", apis.ActivitySignupApi.as_view(), name="activity-signup"),
    path("activities/<int:activity_id>/checkin/", apis.ActivityCheckInApi.as_view(), name="activity-checkin"),
    path("activities/<int:activity_id>/attendance/", apis.ActivityAttendanceApi.as_view(), name="activity-attendance"),
    path("activities/series/<int:series_id>/", apis.ActivitySeriesApi.as_view(), name="activity-series"),
    path("activities/calendar/", apis.CalendarApi.as_view(), name="activity-calendar"),
    path("activities/calendar/reset/", apis.CalendarResetApi.as_view(), name="activity-calendar-reset"),
    path(
        "activities/series/<int:series_id>/cancel/",
        apis.ActivitySeriesCancelApi.as_view(),
        name="activity-series-cancel",
    ),
]
