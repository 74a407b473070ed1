"""Token sign-in for the API: the same lockout and second-factor rules as the web; and the
codes texted to a registered number (forgot password, 验证码登录) with the pages' answers and
limits (`sms_codes.py`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest
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

from mulin.accounts import services, sms_codes
from mulin.accounts.lockout import lockout_message
from mulin.accounts.models import SignInCode
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


# --- Codes by text message ----------------------------------------------------------------------


class CodeRequestSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=32, help_text="The registered mobile number.")


class SmsTokenRequestSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=32)
    code = serializers.CharField(max_length=8, help_text="The 6-digit code from the text message.")


class PasswordForgotResetRequestSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=32)
    code = serializers.CharField(max_length=8, help_text="The 6-digit code from the text message.")
    new_password = serializers.CharField(max_length=256, trim_whitespace=False)
    new_password_again = serializers.CharField(max_length=256, trim_whitespace=False)


DetailResponseSerializer = inline_serializer("DetailResponse", {"detail": serializers.CharField()})
_CODE_LIMITS = {
    429: OpenApiResponse(description="Too many codes asked for this number or from this network in the last hour."),
    503: OpenApiResponse(description="The counters are unreachable; try again shortly."),
}


def _code_requested(request: HttpRequest, phone: str, purpose: str) -> Response:
    """Text a code if the number may have one; the same answer whether or not it is registered."""
    sms_codes.sms_code_request(request, phone=phone, purpose=purpose)  # 429 / 503 past the limits
    return Response(
        {"detail": _("If this number is registered, a text message with a code is on its way.")},
        status=status.HTTP_202_ACCEPTED,
    )


@method_decorator(login_not_required, name="dispatch")
class PasswordForgotApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="accounts_password_forgot",
        summary="Forgot password: text a code to the registered number",
        description="The same answer for a registered and an unknown number; nothing is texted to an unknown one.",
        request=CodeRequestSerializer,
        responses={202: DetailResponseSerializer, **_CODE_LIMITS},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = CodeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _code_requested(request._request, serializer.validated_data["phone"], SignInCode.Purpose.PASSWORD_RESET)


@method_decorator(login_not_required, name="dispatch")
@method_decorator(sensitive_post_parameters("code", "new_password", "new_password_again"), name="dispatch")
class PasswordForgotResetApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="accounts_password_forgot_reset",
        summary="Forgot password: the texted code and a new password",
        description="Every session and token of the account ends. A wrong code and an unknown number get one answer.",
        request=PasswordForgotResetRequestSerializer,
        responses={200: DetailResponseSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordForgotResetRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sms_codes.password_reset_by_code(**serializer.validated_data)  # ValidationError: 400 by field
        return Response({"detail": _("Your new password is set. Sign in with it.")})


@method_decorator(login_not_required, name="dispatch")
class SmsCodeApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="accounts_sms_code_request",
        summary="Sign in without a password: text a sign-in code (residents, members, volunteers)",
        description=(
            "The same answer for a registered number, an unknown one and a staff account's (staff sign in with "
            "password and second factor, and are never texted a sign-in code)."
        ),
        request=CodeRequestSerializer,
        responses={202: DetailResponseSerializer, **_CODE_LIMITS},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = CodeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _code_requested(request._request, serializer.validated_data["phone"], SignInCode.Purpose.SIGN_IN)


@method_decorator(login_not_required, name="dispatch")
@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class SmsTokenApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="accounts_sms_token",
        summary="Sign in without a password: a token for the texted code",
        request=SmsTokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            401: OpenApiResponse(description="The code is wrong, expired or used, or the number has none."),
            429: OpenApiResponse(description="Too many sign-in attempts from this network."),
            503: OpenApiResponse(description="The attempt counter is unreachable; try again shortly."),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        login_rate_check(request._request)  # as for the password: 429 over the limit, 503 without a counter
        serializer = SmsTokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = sms_codes.sms_code_check(phone=data["phone"], purpose=SignInCode.Purpose.SIGN_IN, code=data["code"])
        if user is None:
            return _refused(_("This code is not valid. Ask for a new one."), "invalid_code")
        if user.must_change_password:
            return _refused(_("Choose a new password by signing in on the web first."), "password_change_required")
        return Response(services.api_token_issue(user))
