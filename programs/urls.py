from django.urls import path

from . import feed_views, views

app_name = "programs"

urlpatterns = [
    path("new/<int:client_pk>/", views.program_create, name="create"),
    path("<int:pk>/", views.program_detail, name="detail"),
    path("<int:pk>/print/", views.program_print, name="print"),
    path("<int:pk>/status/", views.program_status, name="status"),
    path("sessions/<int:pk>/mark/", views.session_mark, name="session-mark"),
    path("sessions/<int:pk>/change/", views.session_change, name="session-change"),
    path("my-sessions/", views.my_sessions, name="my-sessions"),
    path("my-sessions/calendar-link/", feed_views.calendar_feed_reset_view, name="calendar-feed-reset"),
    path("feed/<int:staff_member>/<str:token>/sessions.ics", feed_views.calendar_feed, name="calendar-feed"),
]
