"""Building a client's program, running it and marking its sessions."""

import collections
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.tests import factories as cf
from programs import services
from programs.models import Program, ProgramItem, Session
from programs.services import ItemDraft
from programs.tests import factories as pf
from staff.tests.factories import DepartmentFactory, ServiceFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)
MONDAY_BEFORE_DST = datetime.date(2026, 3, 16)  # Europe/Kyiv moves the clocks on 29 March 2026
CLUB_TZ = ZoneInfo(settings.TIME_ZONE)


@pytest.fixture
def fitness():
    return DepartmentFactory(name="Fitness", code="fitness")


@pytest.fixture
def spa():
    return DepartmentFactory(name="SPA", code="spa")


@pytest.fixture
def member(manager):
    return cf.ClientFactory(first_name="Iryna", last_name="Bondarenko", assigned_manager=manager)


@pytest.fixture
def back_flag():
    return cf.ContraindicationFactory(code="hernia", name="Spinal hernia")


# --- program_create -------------------------------------------------------------------------
def test_a_new_program_is_a_draft_with_its_items_in_the_given_order(member, manager, fitness, spa):
    massage = ServiceFactory(department=spa, name="Back massage")
    training = ServiceFactory(department=fitness, name="Personal training")
    trainer = StaffMemberFactory(department=fitness)
    trainer.services.add(training)

    program = services.program_create(
        client=member,
        manager=manager,
        name="Back health",
        start_date=MONDAY,
        items=[
            ItemDraft(service=training, specialist=trainer, sessions_count=8, sessions_per_week=2),
            ItemDraft(service=massage, sessions_count=5, sessions_per_week=1, notes="Lower back"),
        ],
    )

    program.refresh_from_db()
    assert program.status == Program.Status.DRAFT
    assert (program.client, program.manager, program.created_by) == (member, manager, manager)
    assert program.start_date == MONDAY
    items = list(program.items.all())
    assert [
        (i.position, i.service, i.specialist, i.sessions_count, i.sessions_per_week) for i in items
    ] == [
        (0, training, trainer, 8, 2),
        (1, massage, None, 5, 1),
    ]
    assert items[1].notes == "Lower back"
    assert not Session.objects.exists()


def test_a_program_without_items_is_refused(member, manager):
    with pytest.raises(ValidationError):
        services.program_create(
            client=member, manager=manager, name="Empty", start_date=MONDAY, items=[]
        )
    assert not Program.objects.exists()


def test_a_specialist_who_does_not_provide_the_service_is_flagged_on_the_line(member, manager, fitness, spa):
    """The pool instructor is not the one for personal training (``staff.rules.provides``)."""
    training = ServiceFactory(department=fitness, name="Personal training")
    instructor = StaffMemberFactory(department=fitness, first_name="Pool", last_name="Instructor")
    instructor.services.add(ServiceFactory(department=fitness, name="Swimming lesson"))
    draft = ItemDraft(service=training, specialist=instructor, sessions_count=8, sessions_per_week=2)

    errors = services.item_errors(member, draft)

    assert set(errors) == {"specialist"}
    assert errors["specialist"].startswith("Pool Instructor does not provide Personal training")
    with pytest.raises(ValidationError):
        services.program_create(
            client=member, manager=manager, name="P", start_date=MONDAY, items=[draft]
        )
    assert not Program.objects.exists()


def test_a_contraindicated_service_without_a_reason_is_refused_and_nothing_saved(
    member, manager, fitness, back_flag
):
    member.contraindications.add(back_flag)
    deadlift = ServiceFactory(department=fitness, name="Deadlift class")
    deadlift.contraindications.add(back_flag)
    safe = ServiceFactory(department=fitness, name="Swimming")
    drafts = [
        ItemDraft(service=safe, sessions_count=4, sessions_per_week=1),
        ItemDraft(service=deadlift, sessions_count=4, sessions_per_week=1, override_reason="   "),
    ]

    assert set(services.item_errors(member, drafts[1])) == {"override_reason"}
    with pytest.raises(ValidationError) as refused:
        services.program_create(
            client=member, manager=manager, name="P", start_date=MONDAY, items=drafts
        )

    message = " ".join(refused.value.messages)
    assert "Deadlift class is contraindicated" in message
    assert "Spinal hernia" in message
    assert not Program.objects.exists()
    assert not ProgramItem.objects.exists()


def test_a_contraindicated_service_with_a_reason_is_saved_with_who_confirmed_it(
    member, manager, fitness, back_flag
):
    member.contraindications.add(back_flag)
    deadlift = ServiceFactory(department=fitness)
    deadlift.contraindications.add(back_flag)
    safe = ServiceFactory(department=fitness)

    program = services.program_create(
        client=member,
        manager=manager,
        name="P",
        start_date=MONDAY,
        items=[
            ItemDraft(
                service=deadlift,
                sessions_count=4,
                sessions_per_week=1,
                override_reason=" Doctor allowed light weights ",
            ),
            ItemDraft(
                service=safe, sessions_count=4, sessions_per_week=1, override_reason="not needed"
            ),
        ],
    )

    risky, plain = program.items.all()
    assert risky.contraindication_override == "Doctor allowed light weights"
    assert risky.override_confirmed_by == manager
    assert plain.contraindication_override == ""
    assert plain.override_confirmed_by is None


def test_a_contraindication_the_client_does_not_have_needs_no_reason(member, fitness, back_flag):
    other_flag = cf.ContraindicationFactory(code="pregnancy", name="Pregnancy")
    member.contraindications.add(other_flag)
    service = ServiceFactory(department=fitness)
    service.contraindications.add(back_flag)
    assert (
        services.item_errors(
            member, ItemDraft(service=service, sessions_count=1, sessions_per_week=1)
        )
        == {}
    )


# --- session_dates --------------------------------------------------------------------------
def test_two_sessions_a_week_fall_on_the_start_day_and_three_days_later():
    """7 // 2 = 3: Monday and Thursday."""
    dates = services.session_dates(MONDAY, 8, 2)
    assert [d.weekday() for d in dates] == [0, 3] * 4
    assert dates == [
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 5),
        datetime.date(2026, 3, 9),
        datetime.date(2026, 3, 12),
        datetime.date(2026, 3, 16),
        datetime.date(2026, 3, 19),
        datetime.date(2026, 3, 23),
        datetime.date(2026, 3, 26),
    ]


def test_three_sessions_a_week_fall_on_monday_wednesday_friday():
    dates = services.session_dates(MONDAY, 6, 3)
    assert dates == [
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 4),
        datetime.date(2026, 3, 6),
        datetime.date(2026, 3, 9),
        datetime.date(2026, 3, 11),
        datetime.date(2026, 3, 13),
    ]


def test_one_session_a_week_repeats_the_start_weekday():
    wednesday = datetime.date(2026, 3, 4)
    assert services.session_dates(wednesday, 3, 1) == [
        datetime.date(2026, 3, 4),
        datetime.date(2026, 3, 11),
        datetime.date(2026, 3, 18),
    ]


def test_a_count_that_does_not_fill_the_last_week_stops_mid_week():
    assert services.session_dates(MONDAY, 3, 2) == [
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 5),
        datetime.date(2026, 3, 9),
    ]


def test_daily_sessions_fill_every_day():
    assert services.session_dates(MONDAY, 7, 7) == [
        MONDAY + datetime.timedelta(days=n) for n in range(7)
    ]


def test_fourteen_sessions_a_week_are_two_a_day():
    """The form and the model allow up to 14 a week: that is two a day, every day."""
    per_day = collections.Counter(services.session_dates(MONDAY, 14, 14))
    assert per_day == {MONDAY + datetime.timedelta(days=n): 2 for n in range(7)}


# --- program_set_status ---------------------------------------------------------------------
@pytest.fixture
def draft(member, manager, fitness, spa):
    """A draft program over the change to summer time: 8 trainings (2/week, 55 min) and
    3 massages (1/week, 90 min)."""
    program = pf.ProgramFactory(client=member, manager=manager, start_date=MONDAY_BEFORE_DST)
    training = ServiceFactory(department=fitness, duration_minutes=55)
    massage = ServiceFactory(department=spa, duration_minutes=90)
    pf.ProgramItemFactory(
        program=program, service=training, sessions_count=8, sessions_per_week=2, position=0
    )
    pf.ProgramItemFactory(
        program=program,
        service=massage,
        specialist=None,
        sessions_count=3,
        sessions_per_week=1,
        position=1,
    )
    return program


def test_activating_plans_sessions_from_ten_club_time_one_after_another(draft, manager):
    program = services.program_set_status(program=draft, status=Program.Status.ACTIVE, user=manager)

    assert program.status == Program.Status.ACTIVE
    assert Program.objects.get(pk=draft.pk).status == Program.Status.ACTIVE
    training_item, massage_item = draft.items.all()
    sessions = Session.objects.filter(item__program=draft)
    assert sessions.count() == 8 + 3
    for item in (training_item, massage_item):
        planned = list(item.sessions.order_by("scheduled_at"))
        local = [timezone.localtime(s.scheduled_at, CLUB_TZ) for s in planned]
        assert [t.date() for t in local] == services.session_dates(
            MONDAY_BEFORE_DST, item.sessions_count, item.sessions_per_week
        )
        assert {s.specialist_id for s in planned} == {item.specialist_id}
        assert {s.duration_minutes for s in planned} == {item.service.duration_minutes}
        assert {s.status for s in planned} == {Session.Status.PLANNED}
    assert training_item.specialist is not None
    # The first session of each day is at 10:00; a second one that day follows the first
    # (55 minutes and a 15-minute break).
    by_day = collections.defaultdict(list)
    for session in sessions.order_by("scheduled_at"):
        local = timezone.localtime(session.scheduled_at, CLUB_TZ)
        by_day[local.date()].append(local.time())
    assert {times[0] for times in by_day.values()} == {datetime.time(10, 0)}
    assert {tuple(times) for times in by_day.values() if len(times) == 2} <= {
        (datetime.time(10, 0), datetime.time(11, 15))
    }


def test_activating_fourteen_a_week_never_books_two_sessions_at_the_same_moment(
    member, manager, fitness
):
    program = pf.ProgramFactory(client=member, manager=manager, start_date=MONDAY)
    pf.ProgramItemFactory(
        program=program,
        service=ServiceFactory(department=fitness),
        sessions_count=14,
        sessions_per_week=14,
    )
    services.program_set_status(program=program, status=Program.Status.ACTIVE, user=manager)
    times = list(Session.objects.values_list("scheduled_at", flat=True))
    assert len(times) == 14
    assert len(set(times)) == 14


def test_a_second_active_program_for_the_same_client_is_refused(draft, member, manager, fitness):
    services.program_set_status(program=draft, status=Program.Status.ACTIVE, user=manager)
    second = pf.ProgramFactory(client=member, manager=manager, start_date=MONDAY)
    pf.ProgramItemFactory(program=second, service=ServiceFactory(department=fitness))

    with pytest.raises(ValidationError) as refused:
        services.program_set_status(program=second, status=Program.Status.ACTIVE, user=manager)

    assert "already has an active program" in " ".join(refused.value.messages)
    second.refresh_from_db()
    assert second.status == Program.Status.DRAFT
    assert not Session.objects.filter(item__program=second).exists()


def test_another_clients_active_program_does_not_block_activation(draft, manager, fitness):
    services.program_set_status(program=draft, status=Program.Status.ACTIVE, user=manager)
    other = pf.ProgramFactory(start_date=MONDAY)
    pf.ProgramItemFactory(program=other, service=ServiceFactory(department=fitness))
    services.program_set_status(program=other, status=Program.Status.ACTIVE, user=manager)
    assert Program.objects.filter(status=Program.Status.ACTIVE).count() == 2


def test_completing_cancels_the_planned_sessions_and_sets_the_end_date(member, manager, fitness):
    today = timezone.localdate()
    # Started a week ago: its first session is over and may be marked done.
    program = pf.ProgramFactory(client=member, manager=manager, start_date=today - datetime.timedelta(days=7))
    pf.ProgramItemFactory(
        program=program,
        service=ServiceFactory(department=fitness),
        sessions_count=4,
        sessions_per_week=2,
    )
    services.program_set_status(program=program, status=Program.Status.ACTIVE, user=manager)
    done = Session.objects.order_by("scheduled_at").first()
    services.session_mark(session=done, status=Session.Status.DONE, user=manager)

    program = services.program_set_status(
        program=program, status=Program.Status.COMPLETED, user=manager
    )

    program.refresh_from_db()
    assert program.status == Program.Status.COMPLETED
    assert program.end_date == today
    statuses = collections.Counter(Session.objects.values_list("status", flat=True))
    assert statuses == {Session.Status.DONE: 1, Session.Status.CANCELLED: 3}
    assert not Session.objects.filter(completed_at__isnull=True).exists()


def test_a_program_completed_before_its_start_ends_on_its_start_day(member, manager, fitness):
    start = timezone.localdate() + datetime.timedelta(days=10)
    program = pf.ProgramFactory(client=member, manager=manager, start_date=start)
    pf.ProgramItemFactory(program=program, service=ServiceFactory(department=fitness))
    services.program_set_status(program=program, status=Program.Status.ACTIVE, user=manager)
    program = services.program_set_status(
        program=program, status=Program.Status.COMPLETED, user=manager
    )
    assert program.end_date == start


def test_cancelling_a_draft_is_allowed(draft, manager):
    program = services.program_set_status(
        program=draft, status=Program.Status.CANCELLED, user=manager
    )
    assert program.status == Program.Status.CANCELLED
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    "current, new, message",
    [
        (
            Program.Status.COMPLETED,
            Program.Status.ACTIVE,
            "The program is completed; it cannot become active.",
        ),
        (
            Program.Status.DRAFT,
            Program.Status.COMPLETED,
            "The program is draft; it cannot become completed.",
        ),
        (
            Program.Status.CANCELLED,
            Program.Status.ACTIVE,
            "The program is cancelled; it cannot become active.",
        ),
        (Program.Status.ACTIVE, Program.Status.DRAFT, "The program is active; it cannot become draft."),
        (Program.Status.ACTIVE, Program.Status.ACTIVE, "The program is active; it cannot become active."),
    ],
)
def test_an_illegal_status_change_is_refused(member, manager, fitness, current, new, message):
    program = pf.ProgramFactory(client=member, manager=manager, status=current, start_date=MONDAY)
    pf.ProgramItemFactory(program=program, service=ServiceFactory(department=fitness))
    with pytest.raises(ValidationError) as refused:
        services.program_set_status(program=program, status=new, user=manager)
    assert message in " ".join(refused.value.messages)
    program.refresh_from_db()
    assert program.status == current
    assert not Session.objects.exists()


# --- session_mark ---------------------------------------------------------------------------
def started_session(**extra):
    """A session that began an hour ago: it may be marked done or missed."""
    return pf.SessionFactory(scheduled_at=timezone.now() - datetime.timedelta(hours=1), **extra)


def test_marking_a_planned_session_done_records_when(manager, django_capture_on_commit_callbacks):
    session = started_session()
    before = timezone.now()
    with django_capture_on_commit_callbacks() as callbacks:
        marked = services.session_mark(
            session=session, status=Session.Status.DONE, user=manager, notes="Good"
        )
    session.refresh_from_db()
    assert session.status == Session.Status.DONE
    assert session.completed_at >= before
    assert session.notes == "Good"
    assert marked.status == Session.Status.DONE
    assert len(callbacks) == 1  # the quality survey after a session done


@pytest.mark.parametrize("status, recorded", [(Session.Status.MISSED, Session.Status.MISSED),
                                               (Session.Status.CANCELLED, Session.Status.LATE_CANCELLED)])
def test_a_session_may_be_marked_missed_or_cancelled(manager, status, recorded):
    session = started_session()
    services.session_mark(session=session, status=status, user=manager)
    session.refresh_from_db()
    assert session.status == recorded  # cancelled after it started: a late cancel
    assert session.completed_at is not None


@pytest.mark.parametrize("status", [Session.Status.DONE, Session.Status.MISSED])
def test_a_session_still_to_come_cannot_be_marked_done_or_missed(manager, status, django_capture_on_commit_callbacks):
    session = pf.SessionFactory(scheduled_at=timezone.now() + datetime.timedelta(minutes=5))
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError) as refused:
        services.session_mark(session=session, status=status, user=manager)
    assert "once it has started" in " ".join(refused.value.messages)
    session.refresh_from_db()
    assert (session.status, session.completed_at, callbacks) == (Session.Status.PLANNED, None, [])


def test_a_session_still_to_come_can_be_cancelled(manager):
    session = pf.SessionFactory(scheduled_at=timezone.now() + datetime.timedelta(days=3))
    services.session_mark(session=session, status=Session.Status.CANCELLED, user=manager)
    assert Session.objects.get(pk=session.pk).status == Session.Status.CANCELLED


def test_marking_a_session_twice_is_refused(manager):
    session = started_session()
    services.session_mark(session=session, status=Session.Status.DONE, user=manager)
    first = Session.objects.get(pk=session.pk)
    with pytest.raises(ValidationError) as refused:
        services.session_mark(session=session, status=Session.Status.MISSED, user=manager)
    assert "already marked" in " ".join(refused.value.messages)
    again = Session.objects.get(pk=session.pk)
    assert (again.status, again.completed_at) == (Session.Status.DONE, first.completed_at)


@pytest.mark.parametrize("status", ["planned", "", "finished"])
def test_marking_with_an_invalid_status_is_refused(manager, status):
    session = pf.SessionFactory()
    with pytest.raises(ValidationError):
        services.session_mark(session=session, status=status, user=manager)
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED
    assert session.completed_at is None
