"""API v1 routes of the tree and people (included by mulin/api/urls.py under the "api" namespace)."""

from django.urls import path

from mulin.organizations.apis import (
    AccountOpenApi,
    MeApi,
    OrgUnitDetailApi,
    OrgUnitListApi,
    PasswordResetApi,
    PersonDeactivateApi,
    PersonDetailApi,
    PersonListApi,
    PersonPartyMembershipApi,
    PersonReactivateApi,
    PersonRevealApi,
    PersonRoleRemoveApi,
    PersonRolesApi,
    PersonVolunteerProfileApi,
    RoleListApi,
)
from mulin.organizations.apis_imports import PeopleExportApi, PeopleImportApi

urlpatterns = [
    path("me/", MeApi.as_view(), name="me"),
    path("org-units/", OrgUnitListApi.as_view(), name="org-units"),
    path("org-units/<int:unit_id>/", OrgUnitDetailApi.as_view(), name="org-unit"),
    path("people/", PersonListApi.as_view(), name="people"),
    path("people/import/", PeopleImportApi.as_view(), name="people-import"),
    path("people/export/", PeopleExportApi.as_view(), name="people-export"),
    path("people/<int:person_id>/", PersonDetailApi.as_view(), name="person"),
    path("people/<int:person_id>/deactivate/", PersonDeactivateApi.as_view(), name="person-deactivate"),
    path("people/<int:person_id>/reactivate/", PersonReactivateApi.as_view(), name="person-reactivate"),
    path("people/<int:person_id>/party-membership/", PersonPartyMembershipApi.as_view(), name="person-membership"),
    path("people/<int:person_id>/volunteer-profile/", PersonVolunteerProfileApi.as_view(), name="person-volunteer"),
    path("people/<int:person_id>/account/", AccountOpenApi.as_view(), name="person-account"),
    path("people/<int:person_id>/password-reset/", PasswordResetApi.as_view(), name="person-password-reset"),
    path("people/<int:person_id>/roles/", PersonRolesApi.as_view(), name="person-roles"),
    path("people/<int:person_id>/roles/remove/", PersonRoleRemoveApi.as_view(), name="person-role-remove"),
    path("roles/", RoleListApi.as_view(), name="roles"),
    path("people/<int:person_id>/reveal/", PersonRevealApi.as_view(), name="person-reveal"),
]
