"""API v1 routes of the points ledger (included by mulin/api/urls.py under the "api" namespace)."""

from django.urls import path

from mulin.points.apis import PointsMeApi

urlpatterns = [
    path("points/me/", PointsMeApi.as_view(), name="points-me"),
]
