from django.urls import path

from mulin.stations import views

app_name = "stations"
urlpatterns = [
    path("", views.station_list_view, name="list"),
    path("map/", views.station_map_view, name="map"),
    path("bookings/", views.booking_list_view, name="bookings"),
    path("bookings/<int:booking_id>/<str:action>/", views.booking_action_view, name="booking_action"),
    path("rooms/<int:room_id>/", views.room_view, name="room"),
    path("<int:station_id>/", views.station_detail_view, name="detail"),
]
