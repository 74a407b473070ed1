"""API v1 routes of the tree and people (included by mulin/api/urls.py under the "api" namespace)."""

from django.urls import path

from mulin.organizations.apis import (
    MeApi,
    OrgUnitDetailApi,
    OrgUnitListApi,
    PersonDetailApi,
    PersonListApi,
    PersonRevealApi,
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
    path("people/<int:person_id>/reveal/", PersonRevealApi.as_view(), name="person-reveal"),
]
