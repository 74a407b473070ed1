from django.urls import path

from mulin.patrols import views

app_name = "patrols"
urlpatterns = [
    path("", views.river_list_view, name="rivers"),
    path("segments/<int:segment_id>/", views.segment_detail_view, name="segment"),
    path("new/", views.patrol_create_view, name="log_create"),
    path("logs/<int:log_id>/", views.patrol_log_detail_view, name="log"),
    path("photos/<uuid:photo_uuid>/", views.patrol_photo_view, name="photo"),
    path("campaigns/", views.campaign_list_view, name="campaigns"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail_view, name="campaign"),
    path("campaigns/<int:campaign_id>/inspect/", views.campaign_inspect_view, name="campaign_inspect"),
    path("campaigns/<int:campaign_id>/close/", views.campaign_close_view, name="campaign_close"),
]
