from django.urls import path

from mulin.workorders import views

app_name = "workorders"
urlpatterns = [
    path("", views.work_order_list_view, name="list"),
    path("queue/", views.work_order_queue_view, name="queue"),
    path("mine/", views.work_order_mine_view, name="mine"),
    path("new/", views.work_order_create_view, name="create"),
    path("open311/", views.open311_clients_view, name="open311_clients"),
    path("open311/<int:client_id>/revoke/", views.open311_client_revoke_view, name="open311_revoke"),
    path("departments/", views.department_list_view, name="departments"),
    path("photos/<uuid:photo_uuid>/", views.work_order_photo_view, name="photo"),
    path("<int:order_id>/", views.work_order_detail_view, name="detail"),
    path("<int:order_id>/rate/", views.work_order_rate_view, name="rate"),
    path("<int:order_id>/<str:action>/", views.work_order_action_view, name="action"),
]
