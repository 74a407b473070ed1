from django.urls import path

from mulin.points import views

app_name = "points"
urlpatterns = [
    path("", views.points_mine_view, name="mine"),
    path("people/", views.points_people_view, name="people"),
    path("people/<int:person_id>/", views.points_person_view, name="person"),
    path("entries/<int:entry_id>/correct/", views.entry_correct_view, name="correct"),
    path("certificates/<int:year>/issue/", views.certificate_issue_view, name="certificate_issue"),
    path("certificates/<str:number>/", views.certificate_view, name="certificate"),
    path("verify/", views.certificate_verify_view, name="verify"),
    path("rules/", views.rules_view, name="rules"),
    path("rules/<int:rule_id>/", views.rule_update_view, name="rule_update"),
]
