from django.urls import path

from mulin.rosters import views

app_name = "rosters"
urlpatterns = [
    path("mine/", views.my_duty_view, name="mine"),
    path("shifts/", views.shifts_view, name="shifts"),
    path("shifts/<int:shift_id>/signup/", views.shift_signup_view, name="signup"),
    path("shifts/<int:shift_id>/withdraw/", views.shift_withdraw_view, name="withdraw"),
    path("pledge/", views.pledge_view, name="pledge"),
    path("points/<int:point_id>/code/", views.point_code_view, name="point_code"),
    path("points/<int:point_id>/scan/", views.scan_view, name="scan"),
]
urlpatterns += [
    path("week/", views.week_view, name="week"),
    path("week/export/", views.week_export_view, name="week_export"),
]
