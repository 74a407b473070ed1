from django.urls import path

from mulin.roundtable import cogov_views, views

app_name = "roundtable"
urlpatterns = [
    path("", views.topic_list_view, name="list"),
    path("new/", views.topic_create_view, name="create"),
    path("similar/", views.topic_similar_view, name="similar"),
    path("photos/<uuid:photo_uuid>/", views.topic_photo_view, name="photo"),
    path("<int:topic_id>/", views.topic_detail_view, name="detail"),
    path("<int:topic_id>/support/", views.topic_support_view, name="support"),
    path("<int:topic_id>/escalate/", views.topic_escalate_view, name="escalate"),
    path("<int:topic_id>/merge/", views.topic_merge_view, name="merge"),
    path("<int:topic_id>/action/", views.action_item_view, name="action"),
    path("<int:topic_id>/progress/", views.progress_view, name="progress"),
    path("<int:topic_id>/complete/", views.complete_view, name="complete"),
    path("<int:topic_id>/rate/", views.rate_view, name="rate"),
    path("<int:topic_id>/settle/", views.settle_view, name="settle"),
    path("meetings/", views.meeting_list_view, name="meetings"),
    path("meetings/new/", views.meeting_schedule_view, name="meeting_schedule"),
    path("meetings/<int:meeting_id>/", views.meeting_detail_view, name="meeting"),
    path("meetings/<int:meeting_id>/attendance/", views.meeting_attendance_view, name="meeting_attendance"),
    path("meetings/<int:meeting_id>/minutes/", views.meeting_minutes_view, name="meeting_minutes"),
    path("meetings/<int:meeting_id>/decisions/", views.decision_create_view, name="decision_create"),
    path("decisions/<int:decision_id>/vote/", views.vote_view, name="vote"),
    path("decisions/<int:decision_id>/close/", views.decision_close_view, name="decision_close"),
    path("cogov/", cogov_views.joint_meeting_list_view, name="cogov"),
    path("cogov/evaluation/", cogov_views.property_evaluation_view, name="cogov_evaluation"),
    path("cogov/<int:meeting_id>/", cogov_views.joint_meeting_detail_view, name="cogov_meeting"),
    path("cogov/<int:meeting_id>/items/", cogov_views.responsibility_add_view, name="cogov_item_add"),
    path("cogov/items/<int:item_id>/status/", cogov_views.responsibility_status_view, name="cogov_item_status"),
]
