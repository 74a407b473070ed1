"""What this app's audit codes mean, in the reader's language (core/audit_labels.py)."""

from django.utils.translation import gettext_lazy as _

from mulin.core.audit_labels import register

register(
    {
        "account.created": _("Sign-in account created"),
        "account.enabled": _("Account enabled"),
        "account.disabled": _("Account disabled"),
        "account.password_reset": _("Password replaced with a one-time code"),
        "lockout.cleared": _("Sign-in lockout lifted"),
        "orgunit.created": _("Organisation unit created"),
        "party_membership.set": _("Party membership set"),
        "people.exported": _("People exported"),
        "person.bulk_registered": _("People imported"),
        "person.deactivated": _("Person deactivated"),
        "person.duplicate_reported": _("Duplicate number reported"),
        "person.registered": _("Person registered"),
        "person.reactivated": _("Person reactivated"),
        "person.revealed": _("Personal data shown in full"),
        "person.updated": _("Person corrected"),
        "role.granted": _("Role granted"),
        "role.revoked": _("Role removed"),
        "volunteer_profile.set": _("Volunteer profile set"),
    }
)
