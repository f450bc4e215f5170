from django.urls import path

from . import views

app_name = "devtools"
urlpatterns = [
    path("minimal/", views.minimal, name="minimal"),
]
