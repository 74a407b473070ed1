from django.urls import path

from mulin.wishes import views

app_name = "wishes"
urlpatterns = [
    path("", views.wall_view, name="wall"),
    path("new/", views.wish_create_view, name="create"),
    path("enter/", views.wish_enter_view, name="enter"),
    path("mine/", views.wish_mine_view, name="mine"),
    path("for-me/", views.wish_for_me_view, name="for_me"),
    path("review/", views.wish_review_view, name="review"),
    path("stats/", views.wish_stats_view, name="stats"),
    path("categories/", views.category_list_view, name="categories"),
    path("categories/<int:category_id>/", views.category_edit_view, name="category_edit"),
    path("photos/<uuid:photo_uuid>/", views.wish_photo_view, name="photo"),
    path("<int:wish_id>/", views.wish_detail_view, name="detail"),
    path("<int:wish_id>/contact/", views.wish_contact_view, name="contact"),
    path("<int:wish_id>/<str:action>/", views.wish_action_view, name="action"),
]
