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
    }
)
