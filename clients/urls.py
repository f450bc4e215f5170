from django.urls import path

from . import conversation_views, cover_views, views

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
    path("<int:pk>/messages/reply/", conversation_views.conversation_reply, name="conversation-reply"),
    path("<int:pk>/telegram/link/", conversation_views.telegram_link, name="telegram-link"),
    path("<int:pk>/telegram/unlink/", conversation_views.telegram_unlink, name="telegram-unlink"),
    path("<int:pk>/page-link/", conversation_views.page_link, name="page-link"),
    path("<int:pk>/page-link/revoke/", conversation_views.page_links_revoke, name="page-links-revoke"),
    path("covers/", cover_views.covers, name="covers"),
    path("covers/<int:cover_pk>/end/", cover_views.cover_end, name="cover-end"),
    path("reassign/", cover_views.reassign, name="reassign"),
]
