from django.urls import path

from mulin.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list_view, name="list"),
    path("new/", views.activity_create_view, name="create"),
    path("<int:activity_id>/", views.activity_detail_view, name="detail"),
    path("<int:activity_id>/signup/", views.signup_view, name="signup"),
    path("<int:activity_id>/signup/cancel/", views.signup_cancel_view, name="signup_cancel"),
    path("<int:activity_id>/cancel/", views.activity_cancel_view, name="cancel"),
    path("<int:activity_id>/code/", views.checkin_code_view, name="code"),
    path("<int:activity_id>/checkin/", views.checkin_view, name="checkin"),
    path("<int:activity_id>/attendance/", views.attendance_view, name="attendance"),
    path("<int:activity_id>/attendance/<int:signup_id>/tick/", views.tick_view, name="tick"),
    path("series/<int:series_id>/", views.series_view, name="series"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("calendar/reset/", views.calendar_reset_view, name="calendar_reset"),
    path("calendar/<str:key>.ics", views.calendar_feed_view, name="calendar_feed"),
    path("series/<int:series_id>/cancel/", views.series_cancel_view, name="series_cancel"),
]
