"""API v1 routes of accounts (included by mulin/api/urls.py under the "api" namespace)."""

from django.urls import path

from mulin.accounts.apis import (
    PasswordForgotApi,
    PasswordForgotResetApi,
    SmsCodeApi,
    SmsTokenApi,
    TokenObtainApi,
    TokenRevokeApi,
)

urlpatterns = [
    path("auth/token/", TokenObtainApi.as_view(), name="token"),
    path("auth/logout/", TokenRevokeApi.as_view(), name="logout"),
    path("auth/password/forgot/", PasswordForgotApi.as_view(), name="password-forgot"),
    path("auth/password/forgot/reset/", PasswordForgotResetApi.as_view(), name="password-forgot-reset"),
    path("auth/sms-code/", SmsCodeApi.as_view(), name="sms-code"),
    path("auth/sms-code/token/", SmsTokenApi.as_view(), name="sms-token"),
]
