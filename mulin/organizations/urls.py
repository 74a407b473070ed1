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
    path("people/<int:person_id>/edit/", views.person_edit_view, name="person_edit"),
    path("people/<int:person_id>/deactivate/", views.person_deactivate_view, name="person_deactivate"),
    path("people/<int:person_id>/reactivate/", views.person_reactivate_view, name="person_reactivate"),
    path("people/<int:person_id>/membership/", views.person_membership_view, name="person_membership"),
    path("people/<int:person_id>/volunteer/", views.person_volunteer_view, name="person_volunteer"),
    path("people/<int:person_id>/account/", views.account_open_view, name="account_open"),
    path("people/<int:person_id>/password-reset/", views.password_reset_view, name="password_reset"),
    path("people/<int:person_id>/roles/", views.person_roles_view, name="person_roles"),
    path("people/<int:person_id>/roles/remove/", views.role_remove_view, name="person_role_remove"),
    path("people/<int:person_id>/reveal/<str:field>/", views.person_reveal_view, name="person_reveal"),
    path("units/", views.orgunit_tree_view, name="tree"),
]
