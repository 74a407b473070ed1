from django.contrib import admin

from mulin.accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["handle", "is_active", "is_staff", "needs_second_factor", "is_demo", "date_joined", "last_login"]
    list_filter = ["is_active", "is_staff", "needs_second_factor", "is_demo"]
    search_fields = ["handle"]
    readonly_fields = [
        "handle",
        "password",
        "is_staff",
        "needs_second_factor",
        "is_demo",
        "last_login",
        "date_joined",
        "password_changed_at",
    ]
    fields = [*readonly_fields, "is_active"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # accounts are created for people, through the people pages
