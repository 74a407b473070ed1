"""API routes of the roundtable, included into the API's URL map (mulin/api/urls.py) under the
"api" namespace: one endpoint per action."""

from django.urls import path

from mulin.roundtable import apis, cogov_apis

urlpatterns = [
    path("topics/", apis.TopicListApi.as_view(), name="topics"),
    path("topics/places/", apis.TopicPlacesApi.as_view(), name="topic-places"),
    path("topics/similar/", apis.TopicSimilarApi.as_view(), name="topic-similar"),
    path("topics/<int:topic_id>/", apis.TopicDetailApi.as_view(), name="topic"),
    path("topics/<int:topic_id>/support/", apis.TopicSupportApi.as_view(), name="topic-support"),
    path("topics/<int:topic_id>/escalate/", apis.TopicEscalateApi.as_view(), name="topic-escalate"),
    path("topics/<int:topic_id>/merge/", apis.TopicMergeApi.as_view(), name="topic-merge"),
    path("topics/<int:topic_id>/actions/", apis.TopicActionItemApi.as_view(), name="topic-actions"),
    path("topics/<int:topic_id>/progress/", apis.TopicProgressApi.as_view(), name="topic-progress"),
    path("topics/<int:topic_id>/complete/", apis.TopicCompleteApi.as_view(), name="topic-complete"),
    path("topics/<int:topic_id>/rating/", apis.TopicRatingApi.as_view(), name="topic-rating"),
    path("topics/<int:topic_id>/settle/", apis.TopicSettleApi.as_view(), name="topic-settle"),
    path("meetings/", apis.MeetingListApi.as_view(), name="meetings"),
    path("meetings/<int:meeting_id>/", apis.MeetingDetailApi.as_view(), name="meeting"),
    path("meetings/<int:meeting_id>/attendance/", apis.MeetingAttendanceApi.as_view(), name="meeting-attendance"),
    path("meetings/<int:meeting_id>/minutes/", apis.MeetingMinutesApi.as_view(), name="meeting-minutes"),
    path("meetings/<int:meeting_id>/votes/", apis.MeetingVoteApi.as_view(), name="meeting-votes"),
    path("decisions/", apis.DecisionListApi.as_view(), name="decisions"),
    path("decisions/<int:decision_id>/", apis.DecisionDetailApi.as_view(), name="decision"),
    path("decisions/<int:decision_id>/close/", apis.DecisionCloseApi.as_view(), name="decision-close"),
    path("cogov/meetings/", cogov_apis.JointMeetingListApi.as_view(), name="cogov-meetings"),
    path("cogov/compounds/", cogov_apis.JointMeetingCompoundsApi.as_view(), name="cogov-compounds"),
    path("cogov/evaluations/", cogov_apis.PropertyEvaluationApi.as_view(), name="cogov-evaluations"),
    path("cogov/parties/", cogov_apis.JointMeetingPartiesApi.as_view(), name="cogov-parties"),
    path("cogov/meetings/<int:meeting_id>/", cogov_apis.JointMeetingDetailApi.as_view(), name="cogov-meeting"),
    path("cogov/meetings/<int:meeting_id>/items/", cogov_apis.ResponsibilityAddApi.as_view(), name="cogov-items"),
    path("cogov/items/<int:item_id>/status/", cogov_apis.ResponsibilityStatusApi.as_view(), name="cogov-item-status"),
]
