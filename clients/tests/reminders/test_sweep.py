"""The reminder sweep: who gets what on which club-local day, exactly once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.messaging import kinds
from clients.messaging.outbox import in_quiet_hours, quiet_hours_end
from clients.models import Membership, Notification, Task
from clients.reminders import lapsed_tasks
from clients.tests import factories as cf
from core.reminders import sweep as reminders_sweep

ON = datetime.date(2026, 11, 22)
KYIV = ZoneInfo("Europe/Kyiv")
CLIENT_REMINDER_KINDS = [kinds.MEMBERSHIP_EXPIRY, kinds.RENEWAL_OFFER, kinds.VISIT_PACK, kinds.BIRTHDAY]


def consenting_client(**extra):
    return cf.ClientFactory(consent_email=True, **extra)


def membership_ending_in(days, client=None, **extra):
    return cf.MembershipFactory(
        client=client or consenting_client(),
        start_date=ON - datetime.timedelta(days=60),
        end_date=ON + datetime.timedelta(days=days),
        **extra,
    )


def expiry_rows():
    return Notification.objects.filter(kind=kinds.MEMBERSHIP_EXPIRY)


@pytest.mark.django_db
@pytest.mark.parametrize("days, reminded", [(14, True), (7, True), (1, True), (13, False), (0, False), (30, False)])
def test_default_expiry_thresholds(days, reminded):
    membership_ending_in(days)
    reminders_sweep(on=ON)
    assert expiry_rows().count() == (1 if reminded else 0)


@pytest.mark.django_db
def test_a_plan_may_set_its_own_thresholds():
    long_card = cf.MembershipPlanFactory(name="Year", expiry_reminder_days="30,14,7,1")
    short_pack = cf.MembershipPlanFactory(name="Pack", expiry_reminder_days="7,1")
    year = membership_ending_in(30, plan=long_card)
    membership_ending_in(14, plan=short_pack)
    pack = membership_ending_in(7, plan=short_pack)
    reminders_sweep(on=ON)
    # Each key is expiry:<card>:<end>:<days> (compared per card: sorted as text, card 10's key
    # comes before card 9's, which made this test depend on the ids the database handed out).
    reminded = {int(key.split(":")[1]): key.rsplit(":", 1)[1] for key in expiry_rows().values_list("dedup_key", flat=True)}
    assert reminded == {year.pk: "30", pack.pk: "7"}


@pytest.mark.django_db
def test_frozen_cancelled_and_renewed_memberships_get_no_expiry_reminder():
    frozen = membership_ending_in(7)
    cf.FreezeFactory(membership=frozen, start_date=ON - datetime.timedelta(days=1), end_date=ON + datetime.timedelta(days=2))
    membership_ending_in(7, status=Membership.Status.CANCELLED, cancelled_on=ON)
    renewed = membership_ending_in(7)
    cf.MembershipFactory(client=renewed.client, start_date=renewed.end_date + datetime.timedelta(days=1))
    reminded = membership_ending_in(7)
    reminders_sweep(on=ON)
    assert list(expiry_rows().values_list("object_id", flat=True)) == [reminded.pk]


@pytest.mark.django_db
def test_a_client_who_opted_out_of_every_channel_gets_a_skipped_row_with_the_reason():
    membership_ending_in(7, client=cf.ClientFactory(
        consent_email=True, service_email=False, service_sms=False, service_telegram=False))
    reminders_sweep(on=ON)
    row = expiry_rows().get()
    assert row.status == Notification.Status.SKIPPED
    assert "email: opted out of service messages" in row.reason


@pytest.mark.django_db
def test_the_message_is_in_the_clients_language_and_channel_with_an_unsubscribe_link():
    client = consenting_client(language="ru", preferred_channel="sms", consent_sms=True)
    membership_ending_in(14, client=client)
    reminders_sweep(on=ON)
    row = expiry_rows().get()
    assert (row.language, row.channel) == ("ru", "sms")
    assert "/u/" in row.body
    assert row.subject == "Ваш абонемент заканчивается через 14 дней"


@pytest.mark.django_db
def test_at_seven_days_the_manager_gets_a_renewal_call_task(manager):
    membership_ending_in(7, client=consenting_client(assigned_manager=manager))
    membership_ending_in(14, client=consenting_client(assigned_manager=manager))
    reminders_sweep(on=ON)
    task = Task.objects.get(kind=Task.Kind.RENEWAL_CALL)
    assert task.assigned_to == manager
    assert task.due_date == ON


@pytest.mark.django_db
def test_three_days_after_expiry_a_renewal_offer_unless_renewed():
    lapsed = membership_ending_in(-3)
    renewed = membership_ending_in(-3)
    cf.MembershipFactory(client=renewed.client, start_date=ON)
    membership_ending_in(-2)
    reminders_sweep(on=ON)
    offers = Notification.objects.filter(kind=kinds.RENEWAL_OFFER)
    assert list(offers.values_list("client", flat=True)) == [lapsed.client_id]


@pytest.mark.django_db
def test_two_visits_left_is_reminded_once():
    pack = membership_ending_in(20, plan=cf.MembershipPlanFactory(visit_limit=8))
    Membership.objects.filter(pk=pack.pk).update(visits_used=6)
    membership_ending_in(20, plan=cf.MembershipPlanFactory(visit_limit=8))  # 8 left
    reminders_sweep(on=ON)
    reminders_sweep(on=ON + datetime.timedelta(days=1))
    rows = Notification.objects.filter(kind=kinds.VISIT_PACK)
    assert list(rows.values_list("object_id", flat=True)) == [pack.pk]


@pytest.mark.django_db
def test_birthdays_including_the_29th_of_february_in_other_years():
    cf.ClientFactory(consent_email=True, birth_date=datetime.date(1990, 11, 22))
    cf.ClientFactory(consent_email=True, birth_date=datetime.date(1992, 2, 29))
    cf.ClientFactory(consent_email=True, birth_date=datetime.date(1990, 11, 23))
    reminders_sweep(on=ON)
    assert Notification.objects.filter(kind=kinds.BIRTHDAY).count() == 1
    reminders_sweep(on=datetime.date(2027, 2, 28))
    assert Notification.objects.filter(kind=kinds.BIRTHDAY).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("day, expected", [(3, True), (14, True), (30, True), (4, False)])
def test_onboarding_touchpoints_after_the_first_visit(manager, day, expected):
    client = cf.ClientFactory(assigned_manager=manager)
    first = timezone.make_aware(datetime.datetime.combine(ON - datetime.timedelta(days=day), datetime.time(23, 30)))
    cf.VisitFactory(client=client, checked_in_at=first)
    cf.VisitFactory(client=client, checked_in_at=first + datetime.timedelta(days=1))
    reminders_sweep(on=ON)
    assert Task.objects.filter(kind=Task.Kind.ONBOARDING).exists() == expected


@pytest.mark.django_db
def test_a_first_visit_just_before_local_midnight_counts_for_that_local_day(manager):
    """Days after the first visit are counted in Kyiv dates: 00:30 local on 20 November is
    still 19 November in UTC, and must count as the 20th."""
    client = cf.ClientFactory(assigned_manager=manager)
    late = datetime.datetime(2026, 11, 19, 23, 30, tzinfo=KYIV)  # 21:30 UTC, local 19 Nov
    cf.VisitFactory(client=client, checked_in_at=late)
    reminders_sweep(on=ON)  # 22 Nov − 19 Nov = day 3
    assert Task.objects.filter(kind=Task.Kind.ONBOARDING, client=client).exists()
    early = datetime.datetime(2026, 11, 20, 0, 30, tzinfo=KYIV)  # 22:30 UTC on 19 Nov
    other = cf.ClientFactory(assigned_manager=manager)
    cf.VisitFactory(client=other, checked_in_at=early)
    reminders_sweep(on=ON)  # local 20 Nov: day 2, no task yet
    assert not Task.objects.filter(kind=Task.Kind.ONBOARDING, client=other).exists()


@pytest.mark.django_db
def test_a_lapsed_client_is_a_task_for_the_manager_not_a_message(manager):
    client = consenting_client(assigned_manager=manager)
    membership_ending_in(40, client=client)
    cf.VisitFactory(client=client, checked_in_at=timezone.now() - datetime.timedelta(days=30))
    reminders_sweep(on=timezone.localdate())
    assert Task.objects.filter(kind=Task.Kind.LAPSED, client=client, assigned_to=manager).count() == 1
    # none of this app's messages (the quarterly survey is staff's)
    assert not Notification.objects.filter(kind__in=CLIENT_REMINDER_KINDS).exists()
    reminders_sweep(on=timezone.localdate())
    assert Task.objects.filter(kind=Task.Kind.LAPSED).count() == 1


@pytest.mark.django_db
def test_a_lapse_that_has_its_task_is_left_out_by_the_statement_itself(manager):
    """The lapsed clients' statement leaves out those whose lapse has its task (the dedup key
    computed in SQL as in Python: the last visit's club-local day, here just after local
    midnight, still the day before in UTC; or never), so a long lapse costs nothing day after day."""
    today = timezone.localdate()
    late = datetime.datetime.combine(today - datetime.timedelta(days=30), datetime.time(0, 30), tzinfo=KYIV)
    came, never = (consenting_client(assigned_manager=manager) for _ in range(2))
    for client in (came, never):
        cf.MembershipFactory(client=client, start_date=today - datetime.timedelta(days=60),
                             end_date=today + datetime.timedelta(days=40))
    cf.VisitFactory(client=came, checked_in_at=late)
    assert {task.dedup_key for task in lapsed_tasks(today)} == {
        f"lapsed:{came.pk}:{late.date().isoformat()}", f"lapsed:{never.pk}:never"}
    reminders_sweep(on=today)
    assert Task.objects.filter(kind=Task.Kind.LAPSED).count() == 2
    assert lapsed_tasks(today) == [] and lapsed_tasks(today + datetime.timedelta(days=1)) == []
    cf.VisitFactory(client=came, checked_in_at=late + datetime.timedelta(days=1))  # a new lapse, from that visit
    assert [task.client_id for task in lapsed_tasks(today)] == [came.pk]


@pytest.mark.django_db
def test_a_second_sweep_for_the_same_day_queues_nothing_new(manager):
    for days in (14, 7, 1, -3):
        membership_ending_in(days, client=consenting_client(assigned_manager=manager))
    first = reminders_sweep(on=ON)
    rows, tasks = Notification.objects.count(), Task.objects.count()
    second = reminders_sweep(on=ON)
    assert sum(first.values()) == rows + tasks > 0
    assert sum(second.values()) == 0
    assert (Notification.objects.count(), Task.objects.count()) == (rows, tasks)


@pytest.mark.django_db
def test_a_dry_run_writes_nothing():
    membership_ending_in(7)
    report = reminders_sweep(on=ON, dry_run=True)
    assert report["membership expiry"] == 1
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_the_sweeps_query_count_does_not_grow_with_memberships(manager):
    def sweep_queries():
        Notification.objects.all().delete()
        Task.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            reminders_sweep(on=ON)
        return len(queries)

    for days in (14, 7, 1, -3, 20):
        membership_ending_in(days, client=consenting_client(assigned_manager=manager))
    sweep_queries()  # warm the content-type cache, as a running process has it
    small = sweep_queries()
    for _ in range(6):
        for days in (14, 7, 1, -3, 20):
            membership_ending_in(days, client=consenting_client(assigned_manager=manager))
    assert sweep_queries() == small


@pytest.mark.parametrize(
    "local, quiet",
    [((20, 59), False), ((21, 0), True), ((2, 0), True), ((8, 59), True), ((9, 0), False)],
)
def test_quiet_hours(local, quiet):
    moment = datetime.datetime(2026, 11, 22, *local, tzinfo=KYIV)
    assert in_quiet_hours(moment) == quiet


def test_quiet_hours_end_at_nine_local_across_the_spring_dst_change():
    # Kyiv moves clocks from 03:00 to 04:00 on 29 March 2026: 9:00 local is then 06:00 UTC.
    evening = datetime.datetime(2026, 3, 28, 22, 0, tzinfo=KYIV)
    morning = quiet_hours_end(evening)
    assert morning.astimezone(KYIV).replace(tzinfo=None) == datetime.datetime(2026, 3, 29, 9, 0)
    assert morning.astimezone(datetime.UTC).hour == 6


def test_the_club_date_is_the_local_one_around_midnight():
    just_after_midnight = datetime.datetime(2026, 11, 21, 22, 30, tzinfo=datetime.UTC)
    assert timezone.localdate(just_after_midnight) == datetime.date(2026, 11, 22)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ru", "uk"])
@pytest.mark.parametrize("channel", ["email", "sms", None])
def test_the_card_and_birthday_messages_rendered_as_stencils_read_as_rendered_for_the_client_alone(
        settings, language, channel):
    """Expiry, renewal offer, visits left and birthday are rendered once per language and group
    as stencils, each card's number and client's name put in: every message is the very one
    rendered for that client and card alone (a name and a card number that need escaping in the
    HTML; a client with no consented channel too, whose row is skipped without an unsubscribe link)."""
    from clients.messaging.links import unsubscribe_url
    from clients.messaging.outbox import render_message

    consents = ({"consent_email": True, "consent_sms": True} if channel
                else {"service_email": False, "service_sms": False, "service_telegram": False})
    client = cf.ClientFactory(first_name="Anna <O'Neil> & Co", language=language, preferred_channel=channel or "email",
                              email="anna@example.com", phone="+380501234567", birth_date=datetime.date(1990, 11, 22),
                              **consents)
    plan = cf.MembershipPlanFactory(name="Gym & <SPA>", visit_limit=8)
    expiring = membership_ending_in(7, client=client, plan=plan, card_number="A&<1>")
    ended = membership_ending_in(-3, client=client, plan=plan, card_number="B'2")
    pack = membership_ending_in(20, client=client, plan=plan, card_number="C\"3")
    Membership.objects.filter(pk=pack.pk).update(visits_used=8 - settings.REMINDER_VISITS_LEFT)
    reminders_sweep(on=ON)
    expected = {
        kinds.MEMBERSHIP_EXPIRY: ("membership_expiry", {"membership": expiring, "days": 7}),
        kinds.RENEWAL_OFFER: ("renewal_offer", {"membership": ended}),
        kinds.VISIT_PACK: ("visit_pack", {"membership": Membership.objects.get(pk=pack.pk),
                                          "left": settings.REMINDER_VISITS_LEFT}),
        kinds.BIRTHDAY: ("birthday", {}),
    }
    rows = Notification.objects.filter(client=client, kind__in=expected)
    assert sorted(row.kind for row in rows) == sorted(expected)
    for row in rows:
        template, context = expected[row.kind]
        purpose = kinds.purpose_of(row.kind)
        # the link as the row holds it (its signature carries the second it was signed in)
        unsubscribe = next((word for word in row.body.split() if "/u/" in word), "")
        signed = unsubscribe_url(client.pk, row.channel, purpose) if unsubscribe else ""
        assert unsubscribe.rsplit(":", 2)[0] == signed.rsplit(":", 2)[0]  # this client, channel and purpose
        alone = render_message(template, {
            **context, "client": client, "club_name": settings.CLUB_NAME, "site_url": settings.SITE_URL,
            "unsubscribe_url": unsubscribe,
        }, language, html=row.channel == "email")
        assert (row.subject, row.body, row.body_html) == alone, row.kind
        assert (row.status == Notification.Status.SKIPPED) == (channel is None)
        assert (row.channel == "email") == bool(row.body_html) == (channel != "sms")
    assert "Anna <O'Neil> & Co" in rows.get(kind=kinds.BIRTHDAY).body
