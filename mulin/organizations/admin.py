"""Read-only views of the tree and roles for the system administrator. Changes go through the
people pages and services so they are checked and audited; personal data is not shown here."""

from django.contrib import admin

from mulin.organizations.models import OrgUnit, PartnerLink, Person, RoleAssignment


class ReadOnlyAdmin(admin.ModelAdmin):
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


@admin.register(OrgUnit)
class OrgUnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "parent", "depth", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    list_select_related = ["parent"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "home_unit", "is_active", "created_at"]
    search_fields = ["full_name"]
    fields = ["full_name", "gender", "birth_year", "home_unit", "is_active", "created_at"]
    list_select_related = ["home_unit"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["person", "role", "unit", "created_at"]
    list_filter = ["role"]
    list_select_related = ["person", "unit"]


@admin.register(PartnerLink)
class PartnerLinkAdmin(ReadOnlyAdmin):
    list_display = ["partner", "community", "since"]
