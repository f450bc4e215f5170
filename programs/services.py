"""Building programs, running them and marking their sessions."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.dates import outside_dates_message
from clients.models import Client
from staff.models import Room, Service, StaffMember
from staff.rules import contraindication_check, not_provided_message, provides

from .models import Program, ProgramItem, ProgramTemplate, Session
from .scheduling import (
    cancelled_status, plan_items, plan_program, planned_cancel, session_book, session_dates, use_visit,
)


@dataclass
class ItemDraft:
    """One line of a program being built."""

    service: Service
    sessions_count: int
    sessions_per_week: int
    specialist: StaffMember | None = None
    notes: str = ""
    override_reason: str = ""


def item_errors(client: Client, draft: ItemDraft) -> dict[str, str]:
    """What is wrong with one line, by field: a specialist who does not provide the service
    (``staff.rules.provides``), or a contraindicated service without the manager's reason
    (``staff.rules``)."""
    errors = {}
    if draft.specialist and not provides(draft.specialist, draft.service):
        errors["specialist"] = not_provided_message(draft.specialist, draft.service)
    try:
        contraindication_check(
            client=client, service=draft.service, reason=draft.override_reason, field="override_reason"
        )
    except ValidationError as error:
        errors.update({field: messages[0] for field, messages in error.message_dict.items()})
    return errors


@transaction.atomic
def program_create(
    *,
    client: Client,
    manager,
    name: str,
    start_date: datetime.date,
    items: list[ItemDraft],
    template: ProgramTemplate | None = None,
    goal: str = "",
    notes: str = "",
) -> Program:
    """Create a draft program with its items; refuses contraindicated services unless each is
    confirmed with a reason. Forms call ``item_errors`` first to place messages per line."""
    if not items:
        raise ValidationError(_("Add at least one service to the program."))
    problems = [message for draft in items for message in item_errors(client, draft).values()]
    if problems:
        raise ValidationError(problems)
    program = Program(
        client=client,
        manager=manager,
        name=name,
        start_date=start_date,
        template=template,
        goal=goal,
        notes=notes,
        created_by=manager,
    )
    program.full_clean()
    program.save()
    for position, draft in enumerate(items):
        reason = contraindication_check(client=client, service=draft.service, reason=draft.override_reason)
        item = ProgramItem(
            program=program,
            service=draft.service,
            specialist=draft.specialist,
            sessions_count=draft.sessions_count,
            sessions_per_week=draft.sessions_per_week,
            position=position,
            notes=draft.notes,
            contraindication_override=reason,
            override_confirmed_by=manager if reason else None,
        )
        item.full_clean()
        item.save()
    return program


@transaction.atomic
def program_add_item(*, program: Program, draft: ItemDraft, user) -> ProgramItem:
    """Add a service to an existing program (e.g. a specialist's recommendation the manager
    accepted); in an active program its sessions are planned from tomorrow."""
    if program.status not in (Program.Status.DRAFT, Program.Status.ACTIVE):
        raise ValidationError(_("Only a draft or active program can take new services."))
    problems = list(item_errors(program.client, draft).values())
    if problems:
        raise ValidationError(problems)
    reason = contraindication_check(client=program.client, service=draft.service, reason=draft.override_reason)
    item = ProgramItem(
        program=program, service=draft.service, specialist=draft.specialist,
        sessions_count=draft.sessions_count, sessions_per_week=draft.sessions_per_week,
        position=program.items.count(), notes=draft.notes,
        contraindication_override=reason,
        override_confirmed_by=user if reason else None,
    )
    item.full_clean()
    item.save()
    if program.status == Program.Status.ACTIVE:
        plan_items(program=program, items=[item], start=timezone.localdate() + datetime.timedelta(days=1), user=user)
    return item


def template_drafts(template: ProgramTemplate) -> list[dict]:
    """Initial lines for a program built from a template."""
    return [
        {
            "service": item.service_id,
            "sessions_count": item.sessions_count,
            "sessions_per_week": item.sessions_per_week,
            "notes": item.notes,
        }
        for item in template.items.all()
    ]


TRANSITIONS = {
    Program.Status.DRAFT: {Program.Status.ACTIVE, Program.Status.CANCELLED},
    Program.Status.ACTIVE: {Program.Status.COMPLETED, Program.Status.CANCELLED},
}


@transaction.atomic
def program_set_status(*, program: Program, status: str, user) -> Program:
    """Move a program along draft → active → completed / cancelled.

    Activating plans its sessions from the start date in free slots (``programs.scheduling``);
    what cannot be placed is kept on the item (``unplaced``) for the program page; cancelling or completing cancels the
    sessions still planned — cancelling the program is a late cancel of those within the late-cancel
    window, which may use a visit by the plan's rule (``scheduling.planned_cancel``).
    """
    program = Program.objects.select_for_update().get(pk=program.pk)
    if status not in TRANSITIONS.get(program.status, set()):
        raise ValidationError(
            _("The program is %(current)s; it cannot become %(new)s.")
            % {
                "current": program.get_status_display().lower(),
                "new": Program.Status(status).label.lower(),
            }
        )
    if status == Program.Status.ACTIVE and Program.objects.filter(
        client=program.client_id, status=Program.Status.ACTIVE, one_off=False
    ).exists():
        raise ValidationError(
            _("This client already has an active program: complete or cancel it first.")
        )
    program.status = status
    if status in (Program.Status.COMPLETED, Program.Status.CANCELLED):
        program.end_date = max(timezone.localdate(), program.start_date)
        planned_cancel(Session.objects.filter(item__program=program), user=user,
                       late_rule=status == Program.Status.CANCELLED)
    try:
        with transaction.atomic():
            program.save(update_fields=["status", "end_date", "updated_at"])
    except IntegrityError:
        raise ValidationError(
            _("This client already has an active program: complete or cancel it first.")
        ) from None
    if status == Program.Status.ACTIVE and not Session.objects.filter(item__program=program).exists():
        try:
            plan_program(program=program, user=user)
        except OverflowError:  # a start date (from the admin site) at the end of the calendar
            raise ValidationError(outside_dates_message()) from None
    return program


@transaction.atomic
def session_mark(*, session: Session, status: str, user, notes: str = "") -> Session:
    """Mark a planned session done, missed or cancelled, once, with the time it was marked.
    Done or missed only once it has started (a session still to come can only be cancelled);
    cancelled within the late-cancel window is a late cancel; a late cancel or a no-show (missed)
    uses a visit when the client's plan says so (``programs.scheduling.attendance``);
    done asks the client for a survey (``staff.tasks.survey_after_session``, once the
    transaction commits). Every door marks through here: the specialist's and the manager's
    pages and the admin site."""
    if status not in (Session.Status.DONE, Session.Status.MISSED, Session.Status.CANCELLED):
        raise ValidationError({"status": _("Choose done, missed or cancelled.")})
    now = timezone.now()
    if status != Session.Status.CANCELLED and session.scheduled_at > now:
        raise ValidationError({"status": _(
            "This session starts on %(when)s: it can be marked done or missed once it has started."
        ) % {"when": formats.date_format(timezone.localtime(session.scheduled_at), "SHORT_DATETIME_FORMAT")}})
    if status == Session.Status.CANCELLED:
        status = cancelled_status(session, now)
    updated = Session.objects.filter(pk=session.pk, status=Session.Status.PLANNED).update(
        status=status, completed_at=now, notes=notes or session.notes, updated_at=now,
    )
    if not updated:
        raise ValidationError({"status": _("This session is already marked.")})
    session.refresh_from_db()
    use_visit(session, user=user, at=now if status == Session.Status.LATE_CANCELLED else session.scheduled_at)
    if status == Session.Status.DONE:
        from staff.tasks import survey_after_session

        item = ProgramItem.objects.select_related("program").get(pk=session.item_id)
        transaction.on_commit(
            lambda: survey_after_session.delay(item.program.client_id, session.specialist_id, item.service_id)
        )
    return session


@transaction.atomic
def session_book_single(*, client: Client, service: Service, specialist: StaffMember,
                        start: datetime.datetime, user, room: Room | None = None) -> Session:
    """Book one session of ``service`` for ``client`` outside any personal program (a massage sold
    as a service), from the calendar: it goes into the client's *single sessions* program
    (``Program.one_off``, created on the first such booking, kept beside the personal program), as
    its own item, and is booked by the same rules as every session (``scheduling.session_book``:
    in ``room`` when given — the calendar's by-room view —, else in a free room of the kind the
    service needs); a refusal leaves nothing behind. The caller has checked the user sees the client."""
    problems = item_errors(client, ItemDraft(service=service, specialist=specialist, sessions_count=1,
                                             sessions_per_week=1))
    if problems:
        raise ValidationError(problems)
    program = Program.objects.filter(client=client, one_off=True).order_by("pk").first()
    if program is None:
        program = Program(client=client, manager=client.assigned_manager, name=_("Single sessions"),
                          status=Program.Status.ACTIVE, one_off=True, created_by=user)
        program.full_clean()
        program.save()
    elif program.status != Program.Status.ACTIVE:
        program.status, program.end_date = Program.Status.ACTIVE, None
        program.save(update_fields=["status", "end_date", "updated_at"])
    item = ProgramItem(program=program, service=service, specialist=specialist, sessions_count=1,
                       sessions_per_week=1, position=program.items.count())
    item.full_clean()
    item.save()
    return session_book(item=item, start=start, user=user, specialist=specialist, room=room)


@transaction.atomic
def program_confirm_plan(*, program: Program, user) -> Program:
    """The manager confirms the sessions' times of an active program as they stand on the calendar
    (after moving what the planner proposed); moving a session later is still possible."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status != Program.Status.ACTIVE:
        raise ValidationError(_("Only an active program's plan can be confirmed."))
    program.plan_confirmed_at = timezone.now()
    program.save(update_fields=["plan_confirmed_at", "updated_at"])
    return program


__all__ = [
    "ItemDraft",
    "program_confirm_plan",
    "session_book_single",
    "program_create",
    "program_set_status",
    "session_dates",
    "session_mark",
    "template_drafts",
]
