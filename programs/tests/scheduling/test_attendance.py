import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.models import Visit
from clients.tests import factories as cf
from programs.models import Session
from programs.scheduling import is_late_cancel, session_cancel, session_confirm, use_visit
from programs.services import session_mark
from programs.tests import factories as pf

pytestmark = pytest.mark.django_db


def coming(**extra) -> Session:
    return pf.SessionFactory(scheduled_at=timezone.now() + datetime.timedelta(days=2), **extra)


def test_a_session_is_confirmed_once_with_the_time_and_the_channel():
    session = coming()
    before = timezone.now()
    session_confirm(session=session, channel=Session.Confirmation.TELEGRAM)
    session.refresh_from_db()
    assert session.confirmed_via == "telegram" and session.confirmed_at >= before
    with pytest.raises(ValidationError) as refused:
        session_confirm(session=session, channel=Session.Confirmation.PAGE)
    assert refused.value.code == "confirmed_already"
    assert refused.value.messages == ["This session is confirmed already."]
    session.refresh_from_db()
    assert session.confirmed_via == "telegram"


def test_a_cancelled_session_cannot_be_confirmed_and_an_unknown_channel_is_refused():
    session = coming()
    with pytest.raises(ValidationError):
        session_confirm(session=session, channel="pigeon")
    session_cancel(session=session, reason="Client is ill", user=None)
    with pytest.raises(ValidationError) as refused:
        session_confirm(session=session, channel=Session.Confirmation.STAFF)
    assert refused.value.messages == ["Only a planned session can be confirmed."]
    session.refresh_from_db()
    assert session.confirmed_at is None


# --- Late cancels and no-shows ------------------------------------------------------------------
def card(**plan):
    return cf.MembershipFactory(plan=cf.MembershipPlanFactory(visit_limit=10, **plan),
                                start_date=timezone.localdate() - datetime.timedelta(days=3))


def session_of(client, hours_from_now: float) -> Session:
    return pf.SessionFactory(item__program__client=client,
                             scheduled_at=timezone.now() + datetime.timedelta(hours=hours_from_now))


def test_cancelling_within_the_window_is_a_late_cancel_by_any_door(settings, manager):
    settings.LATE_CANCEL_HOURS = 12
    client = card().client  # a plan left as it comes
    in_time, late, marked_late = session_of(client, 13), session_of(client, 11), session_of(client, 30)
    session_cancel(session=in_time, reason="Client is ill", user=manager)
    session_cancel(session=late, reason="Client is ill", user=manager)
    settings.LATE_CANCEL_HOURS = 48
    session_mark(session=marked_late, status=Session.Status.CANCELLED, user=manager)
    statuses = dict(Session.objects.values_list("pk", "status"))
    assert statuses == {in_time.pk: "cancelled", late.pk: "late_cancelled", marked_late.pk: "late_cancelled"}
    assert not Visit.objects.exists()  # the default plan: a late cancel uses no visit
    assert Session.objects.exclude(status__in=Session.FREED).count() == 0  # the time is free again


def test_a_late_cancel_uses_a_visit_when_the_plan_says_so(settings, manager):
    settings.LATE_CANCEL_HOURS = 12
    membership = card(late_cancel_uses_visit=True)
    session = session_of(membership.client, 2)
    session_cancel(session=session, reason="Stuck in traffic", user=manager)
    session.refresh_from_db()
    membership.refresh_from_db()
    assert session.status == Session.Status.LATE_CANCELLED and membership.visits_used == 1
    assert session.visit.membership == membership and session.visit.note.startswith("Late cancel: ")


def test_a_no_show_uses_a_visit_by_default_once_through_the_check_in(manager):
    membership = card()
    session = session_of(membership.client, -1)
    session_mark(session=session, status=Session.Status.MISSED, user=manager)
    session.refresh_from_db()
    membership.refresh_from_db()
    assert membership.visits_used == 1
    assert (session.visit.checked_in_at, session.visit.note.split(":")[0]) == (session.scheduled_at, "No-show")
    assert use_visit(session, user=manager, at=timezone.now()) is None  # once per session
    assert Visit.objects.count() == 1


def test_a_used_up_visit_is_of_its_kind_and_never_the_clients_last_visit(settings, manager):
    """The card counts it; the rollups, the lapsed and at-risk rules and the desk do not."""
    from clients import rules
    from clients.models import ClientLastVisit

    settings.LATE_CANCEL_HOURS = 12
    membership = card(late_cancel_uses_visit=True)
    client = membership.client
    missed, late = session_of(client, -1), session_of(client, 2)
    session_mark(session=missed, status=Session.Status.MISSED, user=manager)
    session_cancel(session=late, reason="Stuck in traffic", user=manager)
    membership.refresh_from_db()
    assert membership.visits_used == 2
    assert sorted(Visit.objects.values_list("kind", flat=True)) == [Visit.Kind.LATE_CANCEL, Visit.Kind.NO_SHOW]
    assert not Visit.objects.attended().exists()
    assert not ClientLastVisit.objects.filter(client=client).exists()
    came = timezone.now() - datetime.timedelta(days=20)
    cf.VisitFactory(client=client, membership=membership, checked_in_at=came)
    assert ClientLastVisit.objects.get(client=client).checked_in_at == came
    # lapsed by the rule (no visit for 14 days): the used-up visits of today are not the client coming
    type(membership).objects.filter(pk=membership.pk).update(
        start_date=timezone.localdate() - datetime.timedelta(days=30))
    assert client.pk in set(rules.lapsed_client_ids(timezone.localdate(), days=14).values_list("client_id", flat=True))


def test_no_visit_is_used_when_the_plan_says_no_or_no_card_is_usable(manager):
    membership = card(no_show_uses_visit=False)
    spent = card(no_show_uses_visit=True)
    spent.visits_used = 10
    spent.save()
    for client in (membership.client, spent.client, cf.ClientFactory()):
        session = session_of(client, -1)
        session_mark(session=session, status=Session.Status.MISSED, user=manager)
        assert Session.objects.get(pk=session.pk).status == Session.Status.MISSED
    assert not Visit.objects.exists()


def test_the_late_cancel_window_is_a_setting_of_twelve_hours_by_default():
    from django.conf import settings

    assert settings.LATE_CANCEL_HOURS == 12
    assert is_late_cancel(Session(scheduled_at=timezone.now() + datetime.timedelta(hours=11)), timezone.now())


def test_the_stop_gaps_confirmation_markers_are_carried_onto_the_sessions():
    import importlib

    from django.apps import apps

    from clients.models import Interaction

    migration = importlib.import_module("programs.migrations.0006_session_confirmed")
    confirmed, untouched = coming(), coming()
    Interaction.objects.create(client=confirmed.client, kind=Interaction.Kind.MESSAGE, channel="page",
                               summary="Confirmed", outcome=f"[session:{confirmed.pk}:confirmed]",
                               occurred_at=timezone.now())
    migration.confirmations_from_markers(apps, None)
    assert Session.objects.get(pk=confirmed.pk).confirmed_via == "page"
    assert Session.objects.get(pk=untouched.pk).confirmed_at is None


def test_cancelling_a_program_is_a_late_cancel_of_its_sessions_within_the_window(settings, manager):
    from programs.models import Program
    from programs.services import program_set_status

    settings.LATE_CANCEL_HOURS = 12
    membership = card(late_cancel_uses_visit=True)
    program = pf.ProgramFactory(client=membership.client, status=Program.Status.ACTIVE, manager=manager)
    item = pf.ProgramItemFactory(program=program)
    soon, later, done = (pf.SessionFactory(item=item, scheduled_at=timezone.now() + datetime.timedelta(hours=h))
                         for h in (2, 50, 100))
    Session.objects.filter(pk=done.pk).update(status=Session.Status.DONE, completed_at=timezone.now())
    program_set_status(program=program, status=Program.Status.CANCELLED, user=manager)
    statuses = dict(Session.objects.values_list("pk", "status"))
    assert statuses == {soon.pk: "late_cancelled", later.pk: "cancelled", done.pk: "done"}
    membership.refresh_from_db()
    assert membership.visits_used == 1
    assert Session.objects.get(pk=soon.pk).visit.kind == Visit.Kind.LATE_CANCEL


def test_completing_a_program_cancels_what_is_left_without_the_late_rule(settings, manager):
    from programs.models import Program
    from programs.services import program_set_status

    membership = card(late_cancel_uses_visit=True)
    program = pf.ProgramFactory(client=membership.client, status=Program.Status.ACTIVE, manager=manager)
    soon = pf.SessionFactory(item=pf.ProgramItemFactory(program=program),
                             scheduled_at=timezone.now() + datetime.timedelta(hours=2))
    program_set_status(program=program, status=Program.Status.COMPLETED, user=manager)
    assert Session.objects.get(pk=soon.pk).status == Session.Status.CANCELLED
    assert not Visit.objects.exists()
