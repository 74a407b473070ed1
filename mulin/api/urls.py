"""REST API v1. Every endpoint denies by default (IsAuthenticated) and scopes by the actor.

The schema and Swagger UI are public and load only from /static. ReDoc is not offered: its
template pulls Google Fonts and it styles itself with inline <style>, both refused by our CSP.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from mulin.accounts.apis import TokenObtainApi, TokenRevokeApi
from mulin.notifications.apis import NotificationListApi, NotificationPreferencesApi, NotificationReadApi
from mulin.organizations.apis import (
    MeApi,
    OrgUnitDetailApi,
    OrgUnitListApi,
    PersonDetailApi,
    PersonListApi,
    PersonRevealApi,
)
from mulin.organizations.apis_imports import PeopleExportApi, PeopleImportApi
from mulin.points.apis import PointsMeApi
from mulin.wishes.apis import WishActionApi, WishContactApi, WishDetailApi, WishListApi

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("auth/token/", TokenObtainApi.as_view(), name="token"),
    path("auth/logout/", TokenRevokeApi.as_view(), name="logout"),
    path("me/", MeApi.as_view(), name="me"),
    path("org-units/", OrgUnitListApi.as_view(), name="org-units"),
    path("org-units/<int:unit_id>/", OrgUnitDetailApi.as_view(), name="org-unit"),
    path("people/", PersonListApi.as_view(), name="people"),
    path("people/import/", PeopleImportApi.as_view(), name="people-import"),
    path("people/export/", PeopleExportApi.as_view(), name="people-export"),
    path("people/<int:person_id>/", PersonDetailApi.as_view(), name="person"),
    path("people/<int:person_id>/reveal/", PersonRevealApi.as_view(), name="person-reveal"),
    path("notifications/", NotificationListApi.as_view(), name="notifications"),
    path("notifications/read/", NotificationReadApi.as_view(), name="notifications-read"),
    path("wishes/", WishListApi.as_view(), name="wishes"),
    path("wishes/<int:wish_id>/", WishDetailApi.as_view(), name="wish"),
    path("wishes/<int:wish_id>/contact/", WishContactApi.as_view(), name="wish-contact"),
    path("wishes/<int:wish_id>/<str:action>/", WishActionApi.as_view(), name="wish-action"),
    path("points/me/", PointsMeApi.as_view(), name="points-me"),
    path("", include("mulin.workorders.api_urls")),
    path("notifications/preferences/", NotificationPreferencesApi.as_view(), name="notification-preferences"),
]
