"""API v1 routes of notifications (included by mulin/api/urls.py under the "api" namespace)."""

from django.urls import path

from mulin.notifications.apis import NotificationListApi, NotificationPreferencesApi, NotificationReadApi

urlpatterns = [
    path("notifications/", NotificationListApi.as_view(), name="notifications"),
    path("notifications/read/", NotificationReadApi.as_view(), name="notifications-read"),
    path("notifications/preferences/", NotificationPreferencesApi.as_view(), name="notification-preferences"),
]
