from django.contrib import admin

from mulin.accounts.models import User
from mulin.core.admin import ReadOnlyModelAdmin


@admin.register(User)
class UserAdmin(ReadOnlyModelAdmin):
    """Read-only: accounts are created, disabled and re-enabled through the people pages
    (organizations.services.account_set_active), which also end the account's sessions and
    write the audit log. Editing `is_active` here would skip both."""

    list_display = ["handle", "is_active", "is_staff", "needs_second_factor", "is_demo", "date_joined", "last_login"]
    list_filter = ["is_active", "is_staff", "needs_second_factor", "is_demo"]
    search_fields = ["handle"]
    fields = (
        "handle",
        "is_active",
        "is_staff",
        "needs_second_factor",
        "is_demo",
        "last_login",
        "date_joined",
        "password_changed_at",
    )
    readonly_fields = fields
