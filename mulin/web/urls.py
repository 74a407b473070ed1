from django.urls import path

from mulin.web import views

app_name = "web"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("me/", views.profile_view, name="profile"),
    path("display/text-size/", views.text_size_view, name="text_size"),
    path("display/language/", views.set_language_view, name="set_language"),
    path("audit/", views.audit_log_view, name="audit_log"),
    path("security/lockouts/", views.lockouts_view, name="lockouts"),
    path("security/lockouts/<int:attempt_id>/clear/", views.lockout_clear_view, name="lockout_clear"),
    path("security/lockouts/network/lift/", views.network_limit_lift_view, name="network_limit_lift"),
]
