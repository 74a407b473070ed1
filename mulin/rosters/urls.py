from django.urls import path

from mulin.rosters import views

app_name = "rosters"
urlpatterns = [
    path("mine/", views.my_duty_view, name="mine"),
]
