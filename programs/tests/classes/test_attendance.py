"""Running a dated class: marking who came (only once it has started; attended makes a visit on
the booking's card, a no-show by the plan's rule; the front desk and the class's specialist only),
and cancelling the whole class with one message to each booked and waiting client."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clients.models import Notification, Visit
from core import roles
from programs.classes.models import ClassBooking, ClassOccurrence
from programs.classes.services import class_book, class_mark, class_occurrence_cancel

from .conftest import MONDAY, at

pytestmark = pytest.mark.django_db
BEFORE = at(MONDAY, 9)
DURING = at(MONDAY, 18, 30)


def _now(monkeypatch, moment):
    monkeypatch.setattr(timezone, "now", lambda: moment)


def booked(studio, *clients):
    return [class_book(occurrence=studio.occurrence, client=c, user=studio.manager, now=BEFORE) for c in clients]


@pytest.fixture
def trainer_user(studio, make_user):
    user = make_user(roles.SPECIALIST, username="olena")
    studio.trainer.user = user
    studio.trainer.save()
    return user


def test_marking_before_the_class_starts_is_refused(studio, monkeypatch):
    _now(monkeypatch, BEFORE)
    (booking,) = booked(studio, studio.clients[0])

    with pytest.raises(ValidationError, match="once it has started"):
        class_mark(booking=booking, status=ClassBooking.Status.ATTENDED, user=studio.frontdesk)

    booking.refresh_from_db()
    assert booking.status == ClassBooking.Status.BOOKED and not Visit.objects.exists()


def test_attended_checks_the_client_in_on_the_bookings_card_once(studio, monkeypatch):
    _now(monkeypatch, DURING)
    (booking,) = booked(studio, studio.clients[0])

    class_mark(booking=booking, status=ClassBooking.Status.ATTENDED, user=studio.frontdesk)

    visit = Visit.objects.get()
    assert (visit.kind, visit.membership_id, visit.checked_in_at) == (
        Visit.Kind.ATTENDED, booking.membership_id, studio.occurrence.starts_at)
    assert ClassBooking.objects.get(pk=booking.pk).status == ClassBooking.Status.ATTENDED
    with pytest.raises(ValidationError, match="once"):
        class_mark(booking=booking, status=ClassBooking.Status.NO_SHOW, user=studio.frontdesk)
    assert Visit.objects.count() == 1


@pytest.mark.parametrize("uses", [True, False])
def test_a_no_show_uses_a_visit_by_the_plans_rule(studio, monkeypatch, uses):
    _now(monkeypatch, DURING)
    studio.plan.no_show_uses_visit = uses
    studio.plan.save()
    (booking,) = booked(studio, studio.clients[0])

    class_mark(booking=booking, status=ClassBooking.Status.NO_SHOW, user=studio.frontdesk)

    assert ClassBooking.objects.get(pk=booking.pk).status == ClassBooking.Status.NO_SHOW
    assert list(Visit.objects.values_list("kind", "membership")) == (
        [(Visit.Kind.NO_SHOW, booking.membership_id)] if uses else [])
    assert not Visit.objects.attended().exists()


def test_only_the_front_desk_and_the_classs_specialist_mark(studio, monkeypatch, make_user, trainer_user, client):
    _now(monkeypatch, DURING)
    first, second, third = booked(studio, *studio.clients[:2]) + [None]
    other = make_user(roles.SPECIALIST, username="another")

    for user in (studio.manager, other):
        with pytest.raises(ValidationError, match="Only the front desk"):
            class_mark(booking=first, status=ClassBooking.Status.ATTENDED, user=user)
    class_mark(booking=first, status=ClassBooking.Status.ATTENDED, user=trainer_user)

    client.force_login(trainer_user)
    page = client.get(reverse("programs:class-occurrence", args=[studio.occurrence.pk])).content.decode()
    assert f'data-testid="mark-{second.pk}"' in page and "Attended" in page and 'data-testid="class-cancel"' not in page
    response = client.post(reverse("programs:class-booking-mark", args=[second.pk]), {"status": "no_show"})
    assert response.status_code == 302
    assert ClassBooking.objects.get(pk=second.pk).status == ClassBooking.Status.NO_SHOW
    client.force_login(other)
    assert f'data-testid="mark-' not in client.get(
        reverse("programs:class-occurrence", args=[studio.occurrence.pk])).content.decode()


def test_cancelling_the_class_tells_each_booked_and_waiting_client_once_in_their_language(studio, monkeypatch):
    _now(monkeypatch, BEFORE)
    bookings = booked(studio, *studio.clients)  # two booked, two waiting
    Notification.objects.all().delete()

    told = class_occurrence_cancel(occurrence=studio.occurrence, reason="The trainer is ill", user=studio.frontdesk)

    assert told == 4
    occurrence = ClassOccurrence.objects.get(pk=studio.occurrence.pk)
    assert occurrence.cancelled and occurrence.cancel_reason == "The trainer is ill"
    assert set(ClassBooking.objects.values_list("status", flat=True)) == {ClassBooking.Status.CANCELLED}
    messages = {m.client.first_name: m for m in Notification.objects.filter(kind="class_cancelled")}
    assert sorted(messages) == sorted(b.client.first_name for b in bookings)
    assert "скасовано" in messages["Iryna"].body and "отменено" in messages["Oksana"].body
    assert "cancelled" in messages["Petro"].subject and messages["Petro"].channel == "email"
    assert not Visit.objects.exists()
    with pytest.raises(ValidationError, match="cancelled"):
        class_occurrence_cancel(occurrence=studio.occurrence, reason="Again", user=studio.frontdesk)
    assert Notification.objects.filter(kind="class_cancelled").count() == 4


def test_cancelling_the_class_needs_a_reason_the_front_desk_and_a_class_to_come(studio, monkeypatch, client):
    _now(monkeypatch, BEFORE)
    for user, reason, error in ((studio.frontdesk, " ", "Say why"), (studio.manager, "Ill", "Only the front desk")):
        with pytest.raises(ValidationError, match=error):
            class_occurrence_cancel(occurrence=studio.occurrence, reason=reason, user=user)
    with pytest.raises(ValidationError, match="has started"):
        class_occurrence_cancel(occurrence=studio.occurrence, reason="Ill", user=studio.frontdesk,
                                now=DURING)
    client.force_login(studio.manager)
    assert client.get(reverse("programs:class-cancel", args=[studio.occurrence.pk])).status_code == 403
    client.force_login(studio.frontdesk)
    url = reverse("programs:class-cancel", args=[studio.occurrence.pk])
    assert "Reason" in client.post(url, {"cancel_reason": ""}).content.decode()
    assert client.post(url, {"cancel_reason": "Pool closed"}).status_code == 302
    assert ClassOccurrence.objects.get(pk=studio.occurrence.pk).cancelled
    assert not ClassOccurrence.objects.filter(pk=studio.occurrence.pk, cancelled=False).exists()
    assert datetime.timedelta(0) < studio.occurrence.starts_at - BEFORE
