from django.urls import path

from . import views

app_name = "staff"

urlpatterns = [
    path("feedback/new/<int:client_pk>/", views.feedback_create, name="feedback-create"),
    path("feedback/<int:pk>/", views.feedback_detail, name="feedback"),
    path("feedback/<int:pk>/relay/", views.feedback_relay, name="feedback-relay"),
    path("feedback/<int:pk>/resolve/", views.feedback_resolve, name="feedback-resolve"),
    path("feedback/<int:pk>/answer/", views.feedback_answer, name="feedback-answer"),
    path("my-feedback/", views.my_feedback, name="my-feedback"),
    path("quality/", views.quality, name="quality"),
    path("assessments/new/", views.assessment_create, name="assessment-create"),
    path("assessments/compare/", views.assessment_compare, name="assessment-compare"),
]
