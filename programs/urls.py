from django.urls import path

from . import calendar_views, feed_views, views
from .classes import views as classes

app_name = "programs"

urlpatterns = [
    path("new/<int:client_pk>/", views.program_create, name="create"),
    path("<int:pk>/", views.program_detail, name="detail"),
    path("<int:pk>/print/", views.program_print, name="print"),
    path("<int:pk>/status/", views.program_status, name="status"),
    path("sessions/<int:pk>/mark/", views.session_mark, name="session-mark"),
    path("sessions/<int:pk>/change/", views.session_change, name="session-change"),
    path("my-sessions/", views.my_sessions, name="my-sessions"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/events/", calendar_views.calendar_events, name="calendar-events"),
    path("calendar/sessions/<int:session_pk>/move/", calendar_views.calendar_move, name="calendar-move"),
    path("calendar/sessions/<int:session_pk>/cancel/", calendar_views.calendar_cancel, name="calendar-cancel"),
    path("calendar/book/", calendar_views.calendar_book, name="calendar-book"),
    path("calendar/clients/", calendar_views.calendar_clients, name="calendar-clients"),
    path("<int:pk>/plan/confirm/", calendar_views.plan_confirm, name="plan-confirm"),
    path("classes/", classes.timetable, name="classes"),
    path("classes/<int:occurrence_pk>/", classes.occurrence_detail, name="class-occurrence"),
    path("classes/<int:occurrence_pk>/book/", classes.occurrence_book, name="class-book"),
    path("classes/bookings/<int:booking_pk>/cancel/", classes.booking_cancel, name="class-booking-cancel"),
    path("classes/bookings/<int:booking_pk>/mark/", classes.booking_mark, name="class-booking-mark"),
    path("classes/<int:occurrence_pk>/cancel/", classes.occurrence_cancel, name="class-cancel"),
    path("my-sessions/calendar-link/", feed_views.calendar_feed_reset_view, name="calendar-feed-reset"),
    path("feed/<int:staff_member>/<str:token>/sessions.ics", feed_views.calendar_feed, name="calendar-feed"),
]
