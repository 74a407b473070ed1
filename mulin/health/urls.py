from django.urls import path

from mulin.health import views

app_name = "health"
urlpatterns = [
    path("", views.health_mine_view, name="mine"),
    path("checks/<int:check_id>/", views.health_check_detail_view, name="detail"),
    path("consents/<int:consent_id>/withdraw/", views.consent_withdraw_view, name="consent_withdraw"),
    path("activities/<int:activity_id>/", views.health_activity_view, name="activity"),
    path("activities/<int:activity_id>/consent/", views.consent_record_view, name="consent_record"),
    path("activities/<int:activity_id>/readings/", views.readings_record_view, name="record"),
]
