"""Admin building blocks. The Django admin is a read-only window for the system administrator:
every change goes through services so it is checked and audited."""

from django.contrib import admin


class ReadOnlyModelAdmin(admin.ModelAdmin):
    # The admin site itself admits only system administrators past the second factor; they
    # hold no Django model permissions (roles decide), so viewing follows the site's gate.
    def has_module_permission(self, request):  # type: ignore[no-untyped-def]
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
