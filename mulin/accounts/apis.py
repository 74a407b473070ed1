"""Token sign-in for the API: the same lockout and second-factor rules as the web."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.auth import TokenAuthentication
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mulin.accounts import services
from mulin.accounts.lockout import lockout_message
from mulin.accounts.policy import second_factor_required
from mulin.accounts.ratelimit import login_rate_check, network_failure_check


class TokenRequestSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=32)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=8, required=False, allow_blank=True, help_text="TOTP code, for staff accounts."
    )


def _refused(detail: str, code: str) -> Response:
    return Response(
        {"detail": detail, "code": code},
        status=status.HTTP_401_UNAUTHORIZED,
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )


TokenResponseSerializer = inline_serializer(
    "TokenResponse", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
)


@method_decorator(login_not_required, name="dispatch")
@method_decorator(sensitive_post_parameters("password", "otp"), name="dispatch")
class TokenObtainApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            401: OpenApiResponse(description="Wrong mobile number or password, or the second factor is missing."),
            429: OpenApiResponse(description="Too many attempts: the account is locked, or the network is limited."),
            503: OpenApiResponse(description="The attempt counter is unreachable; try again shortly."),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        login_rate_check(request._request)  # 429 over the limit, 503 if the counter is unreachable
        network_failure_check(request._request)  # 429 "network_limited" past the address's failures
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        django_request = request._request
        user = services.credentials_check(django_request, phone=data["phone"], password=data["password"])
        if getattr(django_request, "axes_locked_out", False):
            return Response({"detail": lockout_message(), "code": "locked"}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is None:
            return _refused(services.credentials_message(), "invalid_credentials")
        if user.must_change_password:
            return _refused(_("Choose a new password by signing in on the web first."), "password_change_required")
        if second_factor_required(user):
            device = services.totp_device_confirmed(user)
            if device is None:
                return _refused(
                    _("Set up your authenticator app by signing in on the web first."), "otp_setup_required"
                )
            if not services.totp_verify(device, data.get("otp", "")):
                return _refused(_("Enter the 6-digit code from your authenticator app."), "otp_required")
        return Response(services.api_token_issue(user))


class TokenRevokeApi(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        request.auth.delete()  # type: ignore[union-attr]
        return Response(status=status.HTTP_204_NO_CONTENT)
