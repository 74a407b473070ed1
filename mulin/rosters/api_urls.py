"""API routes of duty rosters, included into the API's URL map (mulin/api/urls.py) under the "api"
namespace."""

from django.urls import path

from mulin.rosters import apis

urlpatterns = [
    path("duty-points/", apis.DutyPointListApi.as_view(), name="duty-points"),
    path("shifts/", apis.ShiftListApi.as_view(), name="shifts"),
    path("shifts/mine/", apis.MyDutyApi.as_view(), name="shifts-mine"),
    path("shifts/<int:shift_id>/signup/", apis.ShiftSignupApi.as_view(), name="shift-signup"),
    path("shifts/<int:shift_id>/assign/", apis.ShiftAssignApi.as_view(), name="shift-assign"),
    path("shifts/<int:shift_id>/checkin/", apis.ShiftCheckInApi.as_view(), name="shift-checkin"),
    path("shifts/<int:shift_id>/checkout/", apis.ShiftCheckOutApi.as_view(), name="shift-checkout"),
    path("pledges/", apis.PledgeListApi.as_view(), name="pledges"),
    path("pledges/<int:pledge_id>/sign/", apis.PledgeSignApi.as_view(), name="pledge-sign"),
    path("pledges/<int:pledge_id>/wall/", apis.PledgeWallApi.as_view(), name="pledge-wall"),
    path("availability/", apis.AvailabilityApi.as_view(), name="availability"),
    path("availability/absences/", apis.AbsenceListApi.as_view(), name="absences"),
    path("availability/absences/<int:absence_id>/", apis.AbsenceDetailApi.as_view(), name="absence"),
    path("duty-requests/", apis.DutyRequestListApi.as_view(), name="duty-requests"),
    path("duty-requests/<int:request_id>/approve/", apis.DutyRequestApproveApi.as_view(), name="duty-request-approve"),
    path("duty-requests/<int:request_id>/decline/", apis.DutyRequestDeclineApi.as_view(), name="duty-request-decline"),
    path(
        "duty-requests/<int:request_id>/withdraw/", apis.DutyRequestWithdrawApi.as_view(), name="duty-request-withdraw"
    ),
]
urlpatterns += [
    path("rosters/", apis.RosterListApi.as_view(), name="rosters"),
    path("rosters/<int:period_id>/autofill/", apis.AutofillStartApi.as_view(), name="roster-autofill"),
    path("rosters/<int:period_id>/apply/", apis.AutofillApplyApi.as_view(), name="roster-apply"),
    path("rosters/autofill-jobs/<int:job_id>/", apis.AutofillJobApi.as_view(), name="roster-autofill-job"),
]
