"""What this app's audit codes mean, in the reader's language (core/audit_labels.py)."""

from django.utils.translation import gettext_lazy as _

from mulin.core.audit_labels import register

register(
    {
        "login.succeeded": _("Signed in"),
        "login.failed": _("Sign-in failed"),
        "login.network_limit_lifted": _("Network sign-in pause lifted"),
        "mfa.enrolled": _("Authenticator set up"),
        "password.changed": _("Password changed"),
        "password.change_refused": _("Password change refused (wrong current password)"),
        "api_token.issued": _("API token issued"),
        "api_token.ended": _("Oldest API tokens ended (limit reached)"),
        "password.set_after_code": _("Password chosen after a one-time code"),
        "password.reset_by_sms": _("Password reset by SMS code"),
        "sms_code.sent_sign_in": _("Sign-in SMS code sent"),
        "sms_code.sent_password_reset": _("Password-reset SMS code sent"),
    }
)
