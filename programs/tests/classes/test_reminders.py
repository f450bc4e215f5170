"""The group class reminder: one per booked place, SESSION_REMINDER_HOURS before the class,
through the outbox in the client's language, with signed single-use links to confirm the place
or give it up (through ``class_cancel``: the late-cancel rule, the waiting list's promotion)."""

import datetime
import re

import pytest
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.messaging.outbox import outbox_write
from clients.models import Interaction, Membership, Notification, Visit
from clients.tests import factories as cf
from core.reminders import REGISTRY
from core.reminders import sweep as reminders_sweep
from programs.answer_links import CANCEL, PLACE_LINKS, SESSION_LINKS
from programs.classes.models import ClassBooking, ClassOccurrence
from programs.classes.services import class_book, class_cancel
from programs.reminders import class_reminders
from programs.tests import factories as pf

from .conftest import MONDAY, at

pytestmark = pytest.mark.django_db
BEFORE = at(MONDAY, 9)
EVE = MONDAY - datetime.timedelta(days=1)  # the sweep of the day before the class reminds of it


def book_all(studio) -> list[ClassBooking]:
    """Iryna (uk) and Oksana (ru) take the two places; Petro (en) and Marta (uk) wait, in turn."""
    return [class_book(occurrence=studio.occurrence, client=client, user=studio.manager, now=BEFORE)
            for client in studio.clients]


def reminders():
    return Notification.objects.filter(kind="class_reminder")


def links_of(row) -> tuple[str, str]:
    found = re.findall(r"https?://\S+/r/class/[^/\s]+/", row.body)
    assert len(found) == 2, row.body
    confirm, cancel = ("/" + url.split("://", 1)[1].split("/", 1)[1] for url in found)
    return confirm, cancel


def test_one_reminder_per_booked_place_over_repeated_sweeps_none_for_the_waiting_list(studio):
    iryna, oksana, petro, _marta = book_all(studio)
    for _run in range(3):
        reminders_sweep(on=EVE)
    rows = {row.client_id: row for row in reminders()}
    assert set(rows) == {iryna.client_id, oksana.client_id}  # not Petro nor Marta: they wait
    assert {row.dedup_key for row in rows.values()} == {f"class-reminder:{b.pk}" for b in (iryna, oksana)}
    uk, ru = rows[iryna.client_id], rows[oksana.client_id]
    assert (uk.language, ru.language) == ("uk", "ru")
    assert "Нагадування" in uk.body and "груповому занятті Yoga" in uk.body and "01.03.2027 18:00" in uk.body
    assert "Напоминание" in ru.body and "групповом занятии Yoga" in ru.body and "Olena" in ru.body
    assert set(links_of(uk)).isdisjoint(links_of(ru))
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(client=uk.client, kind="class_reminder", channel=uk.channel,
                                    dedup_key=uk.dedup_key, to_address="iryna@example.com")
    assert not reminders_sweep(on=MONDAY - datetime.timedelta(days=2))["class reminders"]  # not yet


def test_no_reminder_for_a_cancelled_booking_or_a_cancelled_class(studio):
    iryna, oksana, _petro, _marta = book_all(studio)
    class_cancel(booking=iryna, reason="Ill", user=studio.manager, now=BEFORE - datetime.timedelta(days=2))
    other = ClassOccurrence.objects.create(
        group_class=studio.group_class, starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 9), busy_until=at(MONDAY, 9),
        specialist=studio.trainer, room=studio.room, cancelled=True, cancel_reason="Trainer ill")
    pf.ClassBookingFactory(occurrence=other, client=studio.clients[3])
    reminders_sweep(on=EVE)
    # Iryna gave up her place, Petro took it; Marta's class is cancelled
    assert set(reminders().values_list("client__first_name", flat=True)) == {"Oksana", "Petro"}


def test_the_producer_is_registered_with_the_daily_pipeline():
    assert "class reminders" in [producer.name for producer in REGISTRY.producers()]


def test_the_reminders_cost_the_same_queries_for_one_place_or_many(studio):
    def written(count: int, day: datetime.date) -> int:
        occurrence = ClassOccurrence.objects.create(
            group_class=studio.group_class, starts_at=at(day, 18), ends_at=at(day, 19), busy_until=at(day, 19),
            specialist=studio.trainer, room=studio.room)
        for n in range(count):
            person = cf.ClientFactory(email=f"c{day.day}-{n}@example.com", preferred_channel="email")
            pf.ClassBookingFactory(occurrence=occurrence, client=person)
        with CaptureQueriesContext(connection) as queries:
            assert outbox_write(class_reminders(day - datetime.timedelta(days=1))) == count
        return len(queries)

    written(1, MONDAY + datetime.timedelta(days=6))  # the content types looked up once per process
    assert written(1, MONDAY + datetime.timedelta(days=2)) == written(6, MONDAY + datetime.timedelta(days=4))


# --- The links: signed, single-use ----------------------------------------------------------
def reminded(studio):
    bookings = book_all(studio)
    reminders_sweep(on=EVE)
    return bookings, reminders().get(client=bookings[0].client)


def test_the_confirm_link_asks_then_confirms_once_in_the_clients_language(client, studio):
    (iryna, *_rest), row = reminded(studio)
    confirm, _give_up = links_of(row)
    page = client.get(confirm)
    assert page.status_code == 200 and page.context["state"] == "open"
    text = page.content.decode()
    assert "Так, я прийду" in text and "Yoga" in text and "1 березня 2027" in text
    iryna.refresh_from_db()
    assert iryna.confirmed_at is None  # opening the link (a preview) does nothing
    done = client.post(confirm)
    assert done.context["done"] and "Дякуємо" in done.content.decode()
    iryna.refresh_from_db()
    first = iryna.confirmed_at
    assert first is not None
    again = client.post(confirm)
    assert (again.context["state"], again.context["done"]) == ("confirmed", False)
    assert "вже підтвердили" in again.content.decode()
    iryna.refresh_from_db()
    assert iryna.confirmed_at == first


def test_giving_up_the_place_promotes_the_first_waiting_and_tells_them_once(client, studio):
    (iryna, _oksana, petro, marta), row = reminded(studio)
    _confirm, give_up = links_of(row)
    asked = client.get(give_up)
    assert asked.context["state"] == "open" and not asked.context["late"]
    assert "Відмовитися від місця" in asked.content.decode()
    done = client.post(give_up)
    assert done.context["done"] and "наступному у списку очікування" in done.content.decode()
    iryna.refresh_from_db()
    petro.refresh_from_db()
    marta.refresh_from_db()
    assert iryna.status == ClassBooking.Status.CANCELLED and iryna.cancel_reason
    assert (petro.status, marta.waitlist_position) == (ClassBooking.Status.BOOKED, 1)
    told = Notification.objects.get(kind="class_place")
    assert told.client_id == petro.client_id and "A place has opened up" in told.body
    assert Interaction.objects.filter(client=iryna.client, direction=Interaction.Direction.INBOUND).count() == 1
    for link in links_of(row):  # both links, later: done already, nothing more happens
        again = client.post(link)
        assert (again.context["state"], again.context["done"]) == ("cancelled", False)
    assert "вже" in again.content.decode()
    assert ClassBooking.objects.get(pk=petro.pk).status == ClassBooking.Status.BOOKED
    assert Notification.objects.filter(kind="class_place").count() == 1


def test_giving_up_late_follows_the_late_cancel_rule_as_at_the_front_desk(client, studio, settings):
    settings.LATE_CANCEL_HOURS = 12
    studio.plan.late_cancel_uses_visit = True
    studio.plan.save()
    soon = timezone.now() + datetime.timedelta(hours=3)
    ClassOccurrence.objects.filter(pk=studio.occurrence.pk).update(
        starts_at=soon, ends_at=soon + datetime.timedelta(hours=1), busy_until=soon + datetime.timedelta(hours=1))
    Membership.objects.filter(client__in=studio.clients).update(start_date=timezone.localdate())
    iryna = class_book(occurrence=studio.occurrence, client=studio.clients[0], user=studio.manager)
    link = PLACE_LINKS.url(iryna, CANCEL).split("://", 1)[1].split("/", 1)[1]
    asked = client.get("/" + link)
    assert asked.context["late"] and "пізня відмова від місця" in asked.content.decode()
    assert client.post("/" + link).context["done"]
    iryna.refresh_from_db()
    assert iryna.status == ClassBooking.Status.LATE_CANCELLED
    assert Visit.objects.filter(client=studio.clients[0], kind=Visit.Kind.LATE_CANCEL).count() == 1


def test_a_tampered_or_another_kinds_link_is_not_valid_and_changes_nothing(client, studio):
    (iryna, *_rest), row = reminded(studio)
    _confirm, give_up = links_of(row)
    token = give_up.split("/")[3]
    session_token = SESSION_LINKS.token(type("Fake", (), {"pk": iryna.pk, "scheduled_at": iryna.occurrence.starts_at})(),
                                        CANCEL)
    forged = signing.dumps([iryna.pk, "cancel", int(iryna.occurrence.starts_at.timestamp())], salt="another")
    for bad in (f"{token[:-2]}xx", session_token, forged, "not-a-token"):
        for method in (client.get, client.post):
            response = method(f"/r/class/{bad}/")
            assert response.status_code == 404 and "This link is not valid" in response.content.decode()
    assert ClassBooking.objects.get(pk=iryna.pk).status == ClassBooking.Status.BOOKED


def test_the_link_of_a_cancelled_or_started_class_says_so(client, studio):
    (iryna, oksana, *_rest), _row = reminded(studio)
    rows = {row.client_id: row for row in reminders()}
    ClassOccurrence.objects.filter(pk=studio.occurrence.pk).update(cancelled=True)
    cancelled = client.post(links_of(rows[iryna.client_id])[1])
    assert cancelled.context["state"] == "class_cancelled" and "Це заняття скасовано" in cancelled.content.decode()
    ClassOccurrence.objects.filter(pk=studio.occurrence.pk).update(cancelled=False)
    started = timezone.now() - datetime.timedelta(minutes=5)
    ClassOccurrence.objects.filter(pk=studio.occurrence.pk).update(
        starts_at=started, ends_at=started + datetime.timedelta(hours=1), busy_until=started + datetime.timedelta(hours=1))
    confirm, give_up = links_of(rows[oksana.client_id])  # sent for another start now: the page says so in Russian
    response = client.post(confirm)
    assert response.context["state"] == "moved" and "перенесли" in response.content.decode()
    token_now = PLACE_LINKS.url(ClassBooking.objects.get(pk=oksana.pk), CANCEL).split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + token_now)
    assert response.context["state"] == "started" and "началось" in response.content.decode()
    assert ClassBooking.objects.get(pk=oksana.pk).status == ClassBooking.Status.BOOKED
