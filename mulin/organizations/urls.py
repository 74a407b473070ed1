from django.urls import path

from mulin.organizations import views, views_imports

app_name = "organizations"
urlpatterns = [
    path("people/", views.person_list_view, name="people"),
    path("people/new/", views.person_create_view, name="person_create"),
    path("people/import/", views_imports.people_import_view, name="import"),
    path("people/import/template/", views_imports.people_import_template_view, name="import_template"),
    path("people/export/", views_imports.people_export_view, name="export"),
    path("people/<int:person_id>/", views.person_detail_view, name="person"),
    path("people/<int:person_id>/reveal/<str:field>/", views.person_reveal_view, name="person_reveal"),
    path("units/", views.orgunit_tree_view, name="tree"),
]
