"""API v1 routes of stations and room bookings (included by mulin/api/urls.py, "api" namespace)."""

from django.urls import path

from mulin.stations import apis

urlpatterns = [
    path("stations/", apis.StationListApi.as_view(), name="stations"),
    path("stations/types/", apis.StationTypeListApi.as_view(), name="station-types"),
    path("stations/<int:station_id>/", apis.StationDetailApi.as_view(), name="station"),
    path("stations/<int:station_id>/rooms/", apis.StationRoomListApi.as_view(), name="station-rooms"),
    path("bookings/", apis.BookingListApi.as_view(), name="bookings"),
    path("bookings/<int:booking_id>/approve/", apis.BookingApproveApi.as_view(), name="booking-approve"),
    path("bookings/<int:booking_id>/decline/", apis.BookingDeclineApi.as_view(), name="booking-decline"),
    path("bookings/<int:booking_id>/cancel/", apis.BookingCancelApi.as_view(), name="booking-cancel"),
]
