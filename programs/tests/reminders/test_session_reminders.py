"""The session reminder: one per planned session, SESSION_REMINDER_HOURS before it, through the
outbox in the client's language, with the personal page where the client confirms or cancels."""

import datetime
import re

import pytest
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from clients.models import ClientLink, Notification
from clients.tests import factories as cf
from core.reminders import REGISTRY
from core.reminders import sweep as reminders_sweep
from programs.models import Session
from programs.tests import factories as pf

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def at(days: int, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(TODAY + datetime.timedelta(days=days), datetime.time(hour)))


def session_for(client, when, **extra) -> Session:
    item = pf.ProgramItemFactory(program__client=client, service__name="Deep tissue massage")
    return pf.SessionFactory(item=item, specialist=item.specialist, scheduled_at=when, **extra)


def reminders():
    return Notification.objects.filter(kind="session_reminder")


def test_one_reminder_per_session_a_day_ahead_in_the_clients_language(client, settings):
    olena = cf.ClientFactory(first_name="Olena", language="uk", email="olena@example.com", preferred_channel="email")
    tomorrow = session_for(olena, at(1, 10))
    session_for(olena, at(3, 10))  # not yet
    session_for(olena, at(1, 12), status=Session.Status.CANCELLED, completed_at=timezone.now())
    reminders_sweep(on=TODAY)
    reminders_sweep(on=TODAY)  # a second run adds nothing
    row = reminders().get()
    assert row.dedup_key == f"session-reminder:{tomorrow.pk}" and row.language == "uk"
    assert "Deep tissue massage" in row.body and "Нагадування" in row.body
    page_url = row.body.split("сторінці: ")[1].split(" ")[0]
    assert page_url.startswith(settings.SITE_URL + "/me/")
    assert ClientLink.objects.filter(client=olena, purpose=ClientLink.Purpose.PAGE).count() == 1
    response = client.get(page_url.removeprefix(settings.SITE_URL))
    assert response.status_code == 200 and "Deep tissue massage" in response.content.decode()


def test_the_reminder_lead_is_a_setting(settings):
    settings.SESSION_REMINDER_HOURS = 72
    olena = cf.ClientFactory(email="olena@example.com", preferred_channel="email")
    far = session_for(olena, at(3, 10))
    session_for(olena, at(1, 10))
    reminders_sweep(on=TODAY)
    assert list(reminders().values_list("dedup_key", flat=True)) == [f"session-reminder:{far.pk}"]


def test_the_producer_is_registered_with_the_daily_pipeline():
    assert "session reminders" in [producer.name for producer in REGISTRY.producers()]


# --- The confirm and cancel links: signed per session, single-use ------------------------------
def links_of(row):
    found = re.findall(r"https?://\S+/r/[^/\s]+/", row.body)
    assert len(found) == 2
    return ["/" + url.split("://", 1)[1].split("/", 1)[1] for url in found]


def reminded(**extra):
    olena = cf.ClientFactory(first_name="Olena", language="uk", email="olena@example.com", preferred_channel="email")
    session = session_for(olena, at(1, 10), **extra)
    reminders_sweep(on=TODAY)
    return session, reminders().get()


def test_the_confirm_link_asks_then_confirms_once_and_then_says_it_is_done(client):
    session, row = reminded()
    confirm, _cancel = links_of(row)
    page = client.get(confirm)
    assert page.status_code == 200 and page.context["state"] == "open"
    assert "Так, я прийду" in page.content.decode()  # in the client's language
    session.refresh_from_db()
    assert session.confirmed_at is None  # opening the link (a preview) does nothing
    done = client.post(confirm)
    assert done.context["done"] and "Дякуємо" in done.content.decode()
    session.refresh_from_db()
    first = session.confirmed_at
    assert first and session.confirmed_via == Session.Confirmation.PAGE
    again = client.post(confirm)
    assert (again.context["state"], again.context["done"]) == ("confirmed", False)
    assert "вже підтвердили" in again.content.decode()
    session.refresh_from_db()
    assert session.confirmed_at == first


def test_the_cancel_link_cancels_once_even_after_a_confirmation(client, settings):
    # Tomorrow at 10:00 is 10 to 34 hours away, whatever the hour the test runs at.
    settings.LATE_CANCEL_HOURS = 6
    session, row = reminded()
    confirm, cancel = links_of(row)
    client.post(confirm)
    assert client.post(cancel).context["done"]
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED and session.cancel_reason
    for link in (cancel, confirm):
        again = client.post(link)
        assert (again.context["state"], again.context["done"]) == ("cancelled", False)
    assert "вже скасовано" in again.content.decode()  # "Це заняття вже скасовано."


def test_the_cancel_link_inside_the_late_cancel_window_records_a_late_cancel(client, settings):
    settings.LATE_CANCEL_HOURS = 48
    session, row = reminded()
    _confirm, cancel = links_of(row)
    assert client.post(cancel).context["done"]
    session.refresh_from_db()
    assert session.status == Session.Status.LATE_CANCELLED


def test_a_tampered_or_another_answers_link_is_refused(client):
    session, row = reminded()
    confirm, cancel = links_of(row)
    token = confirm.split("/")[2]
    assert client.get(f"/r/{token[:-2]}xx/").status_code == 404
    assert client.post(f"/r/{token[:-2]}xx/").status_code == 404
    forged = signing.dumps([session.pk, "cancel", int(session.scheduled_at.timestamp())], salt="another")
    assert client.post(f"/r/{forged}/").status_code == 404
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED and session.confirmed_at is None


def test_a_link_of_a_session_moved_since_the_reminder_does_nothing(client):
    session, row = reminded()
    _confirm, cancel = links_of(row)
    Session.objects.filter(pk=session.pk).update(scheduled_at=at(1, 12), ends_at=at(1, 13), busy_until=at(1, 13))
    response = client.post(cancel)
    assert response.context["state"] == "moved"
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED


def test_exactly_one_reminder_per_session_with_its_own_links(settings):
    olena = cf.ClientFactory(first_name="Olena", language="uk", email="olena@example.com", preferred_channel="email")
    first, second = session_for(olena, at(1, 10)), session_for(olena, at(1, 15))
    for _run in range(3):
        reminders_sweep(on=TODAY)
    rows = list(reminders().order_by("dedup_key"))
    assert sorted(r.dedup_key for r in rows) == sorted(f"session-reminder:{s.pk}" for s in (first, second))
    assert set(links_of(rows[0])).isdisjoint(links_of(rows[1]))
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(client=olena, kind="session_reminder", channel=rows[0].channel,
                                    dedup_key=rows[0].dedup_key, to_address="olena@example.com")
def test_the_reminders_cost_the_same_queries_for_one_session_or_many():
    """The personal-page links of a sweep's new reminders are issued in one statement
    (``PageLinks``): one reminder or six, the same number of queries; each client's link opens
    their page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clients.messaging.outbox import outbox_write
    from programs.reminders import session_reminders

    def written(count: int, day: int) -> int:
        for n in range(count):
            person = cf.ClientFactory(email=f"c{day}-{n}@example.com", preferred_channel="email")
            session_for(person, at(day, 9 + n))
        with CaptureQueriesContext(connection) as queries:
            assert outbox_write(session_reminders(TODAY + datetime.timedelta(days=day - 1))) == count
        return len(queries)

    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_model(Session)  # looked up once per process, then cached
    assert written(1, 1) == written(6, 2)
    links = ClientLink.objects.filter(purpose=ClientLink.Purpose.PAGE)
    assert links.count() == 7 and set(links.values_list("client", flat=True)) == set(
        reminders().values_list("client", flat=True))
