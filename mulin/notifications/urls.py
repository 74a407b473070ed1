from django.urls import path

from mulin.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("read/", views.mark_read_view, name="mark_read"),
    path("settings/", views.preferences_view, name="preferences"),
]
