from django.urls import path

from mulin.patrols import views

app_name = "patrols"
urlpatterns = [
    path("", views.river_list_view, name="rivers"),
    path("segments/<int:segment_id>/", views.segment_detail_view, name="segment"),
]
