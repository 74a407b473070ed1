"""Read-only views of the tree and roles for the system administrator. Changes go through the
people pages and services so they are checked and audited; personal data is not shown here."""

from django.contrib import admin

from mulin.core.admin import ReadOnlyModelAdmin
from mulin.organizations.models import OrgUnit, PartnerLink, Person, PersonDuplicate, RoleAssignment


@admin.register(OrgUnit)
class OrgUnitAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "kind", "parent", "depth", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    list_select_related = ["parent"]


@admin.register(Person)
class PersonAdmin(ReadOnlyModelAdmin):
    list_display = ["full_name", "home_unit", "is_active", "created_at"]
    search_fields = ["full_name"]
    fields = ["full_name", "gender", "birth_year", "home_unit", "is_active", "created_at"]
    list_select_related = ["home_unit"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyModelAdmin):
    list_display = ["person", "role", "unit", "created_at"]
    list_filter = ["role"]
    list_select_related = ["person", "unit"]


@admin.register(PartnerLink)
class PartnerLinkAdmin(ReadOnlyModelAdmin):
    list_display = ["partner", "community", "since"]


@admin.register(PersonDuplicate)
class PersonDuplicateAdmin(ReadOnlyModelAdmin):
    """Numbers held back for the street to merge (no number shown: the field's name only)."""

    list_display = ["person", "existing", "field", "reported_by", "created_at", "resolved_at"]
    list_filter = ["field"]
    fields = ["person", "existing", "field", "reported_by", "scope_path", "created_at", "resolved_at"]
    list_select_related = ["person", "existing", "reported_by"]
