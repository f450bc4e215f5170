from django.urls import path

from . import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("<int:pk>/edit/", views.client_edit, name="edit"),
    path(
        "<int:pk>/memberships/<int:membership_pk>/freeze/",
        views.membership_freeze,
        name="membership-freeze",
    ),
    path("<int:pk>/check-in/", views.check_in, name="check-in"),
    path("<int:pk>/interactions/new/", views.interaction_create, name="interaction-create"),
    path("<int:pk>/tasks/new/", views.task_create, name="task-create"),
    path("<int:pk>/measurements/new/", views.measurement_add, name="measurement-add"),
    path("tasks/<int:task_pk>/done/", views.task_done, name="task-done"),
]
