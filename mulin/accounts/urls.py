from django.urls import path

from mulin.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.verify_view, name="verify"),
    path("login/enrol/", views.enrol_view, name="enrol"),
    path("login/sms/", views.login_sms_view, name="login_sms"),
    path("login/sms/code/", views.login_sms_verify_view, name="login_sms_verify"),
    path("password/forgot/", views.password_forgot_view, name="password_forgot"),
    path("password/forgot/code/", views.password_forgot_reset_view, name="password_forgot_reset"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("password/new/", views.password_set_view, name="password_set"),
]
