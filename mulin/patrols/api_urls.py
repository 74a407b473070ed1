"""API routes of river patrols, included into the API's URL map (mulin/api/urls.py)."""

from django.urls import path

from mulin.patrols import apis

urlpatterns = [
    path("rivers/", apis.RiverListApi.as_view(), name="rivers"),
    path("rivers/<int:river_id>/", apis.RiverDetailApi.as_view(), name="river"),
    path("segments/", apis.SegmentListApi.as_view(), name="segments"),
    path("segments/<int:segment_id>/", apis.SegmentDetailApi.as_view(), name="segment"),
    path("segments/<int:segment_id>/claim/", apis.SegmentClaimApi.as_view(), name="segment-claim"),
    path("patrols/", apis.PatrolListApi.as_view(), name="patrols"),
    path("patrols/<int:log_id>/", apis.PatrolDetailApi.as_view(), name="patrol"),
    path("campaigns/", apis.CampaignListApi.as_view(), name="campaigns"),
    path("campaigns/<int:campaign_id>/", apis.CampaignDetailApi.as_view(), name="campaign"),
    path("campaigns/<int:campaign_id>/close/", apis.CampaignCloseApi.as_view(), name="campaign-close"),
    path("inspections/", apis.InspectionListApi.as_view(), name="inspections"),
]
