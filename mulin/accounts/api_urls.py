"""API v1 routes of accounts (included by mulin/api/urls.py under the "api" namespace)."""

from django.urls import path

from mulin.accounts.apis import TokenObtainApi, TokenRevokeApi

urlpatterns = [
    path("auth/token/", TokenObtainApi.as_view(), name="token"),
    path("auth/logout/", TokenRevokeApi.as_view(), name="logout"),
]
