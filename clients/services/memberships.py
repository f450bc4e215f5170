"""Issuing, renewing and freezing membership cards, and checking clients in.

Selling a card is the sales app's act (``sales.services.membership_sell``: the price, the
discount and the ledger); this module only issues the card it sells and knows no money.
"""

import datetime
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import day_bounds, outside_dates_message, within_dates

from .. import rules
from ..models import Client, Freeze, Membership, MembershipPlan, Task, Visit
from .clients import client_for_new_record


def _new_card_number() -> str:
    return f"{timezone.localdate():%y}{secrets.randbelow(10**8):08d}"


@transaction.atomic
def membership_create(
    *,
    client: Client,
    plan: MembershipPlan,
    start_date: datetime.date,
    price: Decimal,
    sold_by,
    user,
    card_number: str = "",
) -> Membership:
    """Issue ``client`` a card of ``plan`` from ``start_date``: the end date and the visits come
    from the plan; ``price`` is what the client paid for it (decided by the seller). A card
    number is generated when none is given. Refused, with the field at fault, for a client whose
    data were erased, dates outside the club's calendar, or a card number in use.

    Called by the sales app's ``membership_sell`` inside its transaction, which writes the sale.
    """
    client = client_for_new_record(client)
    if start_date is None or not within_dates(start_date, days_after=plan.duration_days - 1):
        raise ValidationError({"start_date": outside_dates_message()})
    for _attempt in range(5):
        membership = Membership(
            client=client,
            plan=plan,
            card_number=card_number or _new_card_number(),
            start_date=start_date,
            end_date=rules.plan_end_date(plan, start_date),
            visit_limit=plan.visit_limit,
            price=price,
            sold_by=sold_by,
            created_by=user,
        )
        # A number the user typed is checked here, with a clear message; a generated one is
        # left to the database's unique constraint, so that a collision draws another.
        membership.full_clean(validate_unique=bool(card_number))
        try:
            with transaction.atomic():
                membership.save()
        except IntegrityError:
            if card_number:  # a chosen number taken meanwhile: say so
                raise ValidationError(
                    {"card_number": _("A membership with this card number already exists.")}
                ) from None
            continue  # a generated number collided: draw another
        return membership
    raise ValidationError(_("Could not generate a free card number; enter one by hand."))


def renewal_start_date(client: Client, on: datetime.date | None = None) -> datetime.date:
    """A renewal starts the day after the client's latest card not yet over ends, or today."""
    on = on or timezone.localdate()
    latest_end = (
        client.memberships.filter(rules.not_over_q(on))
        .order_by("-end_date")
        .values_list("end_date", flat=True)
        .first()
    )
    return latest_end + datetime.timedelta(days=1) if latest_end else on


def freeze_days_used(membership: Membership) -> int:
    """Days already frozen (closed freezes) on this membership."""
    total = 0
    for start, end in membership.freezes.filter(end_date__isnull=False).values_list(
        "start_date", "end_date"
    ):
        total += (end - start).days + 1
    return total


def _freeze_errors(membership: Membership, *, start_date, days, reason) -> dict:
    """What stands against freezing ``membership`` for ``days`` days from ``start_date`` (field
    → message): no reason, less than a day, a start in the past or outside the card's dates, a
    cancelled card, more days than the plan has left."""
    errors = {}
    today = timezone.localdate()
    if not reason or not reason.strip():
        errors["reason"] = _("Give the reason for the freeze.")
    if days is None or days < 1:
        errors["days"] = _("A freeze lasts at least one day.")
    if start_date is None or start_date < today:
        errors["start_date"] = _("A freeze cannot start in the past.")
    elif membership.status == Membership.Status.CANCELLED:
        errors["start_date"] = _("A cancelled membership cannot be frozen.")
    elif not (membership.start_date <= start_date <= membership.end_date):
        errors["start_date"] = _("The freeze must start while the membership runs (%(start)s – %(end)s).") % {
            "start": formats.date_format(membership.start_date),
            "end": formats.date_format(membership.end_date),
        }
    if not errors:
        allowed = membership.plan.max_freeze_days - freeze_days_used(membership)
        if days > allowed:
            errors["days"] = (
                ngettext("The plan allows %(left)d more freeze day.", "The plan allows %(left)d more freeze days.", allowed)
                % {"left": allowed}
                if allowed > 0
                else _("This membership has no freeze days left.")
            )
    return errors


@transaction.atomic
def freeze_request(*, membership: Membership, start_date: datetime.date, days: int, reason: str, user) -> Task:
    """The front desk takes a client's request to freeze their card: checked as a freeze would be
    (``_freeze_errors``), then handed to the client's manager as a task due today, who freezes it
    (or calls the client). Refused when the client has no manager: whoever took it freezes the
    card on its page."""
    membership = Membership.objects.select_related("plan", "client__assigned_manager").get(pk=membership.pk)
    client = client_for_new_record(membership.client)
    errors = _freeze_errors(membership, start_date=start_date, days=days, reason=reason)
    if errors:
        raise ValidationError(errors)
    if client.assigned_manager_id is None:
        raise ValidationError(_("%(client)s has no manager to pass the request to: freeze the card on the client's page.")
                              % {"client": client})
    task = Task(
        client=client, assigned_to=client.assigned_manager, kind=Task.Kind.FREEZE_REQUEST, due_date=timezone.localdate(),
        title=ngettext(
            "Freeze card %(card)s from %(start)s for %(days)d day",
            "Freeze card %(card)s from %(start)s for %(days)d days", days,
        ) % {"card": membership.card_number, "start": formats.date_format(start_date, "SHORT_DATE_FORMAT"), "days": days},
        description=_("The client asked at the front desk (%(who)s): %(reason)s") % {
            "who": user.get_full_name() or user.get_username(), "reason": reason.strip(),
        },
        created_by=user,
    )
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def membership_freeze(
    *, membership: Membership, start_date: datetime.date, days: int, reason: str, user
) -> Freeze:
    """Freeze a membership for ``days`` days from ``start_date``; its end date moves by as many.

    Refused when the plan's freeze allowance would be exceeded, when the membership is
    cancelled or over by then, when the reason is missing, or when it overlaps another freeze.
    """
    membership = Membership.objects.select_for_update(of=("self",)).select_related("plan").get(
        pk=membership.pk
    )
    errors = _freeze_errors(membership, start_date=start_date, days=days, reason=reason)
    if errors:
        raise ValidationError(errors)
    end_date = start_date + datetime.timedelta(days=days - 1)
    if not within_dates(membership.end_date, days_after=days):
        raise ValidationError({"start_date": outside_dates_message()})
    if membership.freezes.filter(start_date__lte=end_date).exclude(end_date__lt=start_date).exists():
        raise ValidationError({"start_date": _("These dates overlap another freeze of this membership.")})

    freeze = Freeze(
        membership=membership,
        start_date=start_date,
        end_date=end_date,
        reason=reason.strip(),
        created_by=user,
    )
    freeze.full_clean()
    freeze.save()
    Membership.objects.filter(pk=membership.pk).update(
        end_date=F("end_date") + datetime.timedelta(days=days), updated_at=timezone.now()
    )
    return freeze


class AlreadyCheckedIn(ValidationError):
    """A second check-in on the same card on the same club day: the desk asks "check in
    again?" and checks in with ``again=True`` when told so. ``visit`` is the earlier one."""

    def __init__(self, visit: Visit, on: datetime.date):
        self.visit = visit
        values = {
            "card": visit.membership.card_number,
            "time": formats.time_format(timezone.localtime(visit.checked_in_at)),
            "date": formats.date_format(on, "SHORT_DATE_FORMAT"),
        }
        if on == timezone.localdate():
            message = _("Card %(card)s was checked in already today at %(time)s.") % values
        else:
            message = _("Card %(card)s was checked in already on %(date)s at %(time)s.") % values
        super().__init__(message, code="checked_in_already")


# A visit typed in the admin site a few seconds ahead of the server's clock is not "in the future".
CLOCK_TOLERANCE = datetime.timedelta(minutes=1)


@transaction.atomic
def visit_check_in(
    *,
    client: Client,
    user,
    at: datetime.datetime | None = None,
    membership: Membership | None = None,
    again: bool = False,
    note: str = "",
    kind: str = Visit.Kind.ATTENDED,
) -> Visit:
    """Check a client in at ``at`` (now) on their card usable that day, counting the visit.

    The card is the given one, or else the earliest-starting card of the client that runs that
    day, is not frozen and has a visit left. Refused with a clear message when there is none (no
    card, cancelled, expired, frozen, not started yet, out of visits), for a moment in the future
    and for a client whose data were erased. A second check-in on the same card on the same club
    day raises ``AlreadyCheckedIn`` unless ``again`` is given. Checking in locks the client and
    the card, so simultaneous check-ins count one after the other and never past the limit.
    ``kind``: a late cancel or a no-show written by the schedule uses the visit all the same.
    """
    now = timezone.now()
    at = at or now
    if at > now + CLOCK_TOLERANCE:
        raise ValidationError({"checked_in_at": _("A visit cannot be entered in the future.")})
    client = client_for_new_record(client)
    on = timezone.localdate(at)
    if membership is not None and membership.client_id != client.pk:
        raise ValidationError({"membership": _("This membership belongs to another client.")})
    usable = rules.check_in_cards(client, on)
    if membership is not None:
        usable = usable.filter(pk=membership.pk)
    card = usable.select_for_update(of=("self",)).first()
    if card is None:
        refusal = _refusal(client, on, membership)
        raise ValidationError({"membership": refusal} if membership is not None else refusal)
    earlier = (
        Visit.objects.attended()
        .filter(membership=card, checked_in_at__gte=day_bounds(on)[0], checked_in_at__lt=day_bounds(on)[1])
        .select_related("membership")
        .order_by("checked_in_at")
        .first()
    )
    if earlier is not None and not again:
        raise AlreadyCheckedIn(earlier, on)
    counted = (
        Membership.objects.filter(pk=card.pk)
        .filter(Q(visit_limit__isnull=True) | Q(visits_used__lt=F("visit_limit")))
        .update(visits_used=F("visits_used") + 1, updated_at=now)
    )
    if not counted:  # used up meanwhile (a database that cannot lock rows: SQLite)
        raise ValidationError(_refusal(client, on, card))
    visit = Visit(client=client, membership=card, checked_in_at=at, note=note, kind=kind, created_by=user)
    visit.full_clean()
    visit.save()
    return visit


def check_in_refusal(client: Client, on: datetime.date | None = None) -> str | None:
    """Why a check-in of ``client`` on ``on`` (today) would be refused — the words the check-in
    itself uses — or None when a card of theirs is usable that day. The desk shows it before
    anyone clicks."""
    on = on or timezone.localdate()
    if rules.check_in_cards(client, on).exists():
        return None
    return _refusal(client, on)


def _refusal(client: Client, on: datetime.date, membership: Membership | None = None) -> str:
    """Why no card of the client (or not ``membership``) is usable on ``on``, by the state of
    each (``rules.membership_state``)."""
    cards = client.memberships.all() if membership is None else Membership.objects.filter(pk=membership.pk)
    candidates = list(cards.filter(rules.not_cancelled_q()).prefetch_related("freezes").order_by("start_date", "id"))
    if not candidates:
        if membership is not None:
            return _("The membership %(card)s is cancelled.") % {"card": membership.card_number}
        return _("%(client)s has no membership.") % {"client": client}
    states = {m.pk: rules.membership_state(m, on) for m in candidates}
    running = [m for m in candidates if states[m.pk] in rules.RUNNING_STATES]
    if running:
        membership = running[0]
        if states[membership.pk] == "frozen":
            freeze = next(f for f in membership.freezes.all() if rules.freeze_covers(f, on))
            if freeze.end_date:
                return _("The membership %(card)s is frozen until %(date)s.") % {
                    "card": membership.card_number,
                    "date": formats.date_format(freeze.end_date),
                }
            return _("The membership %(card)s is frozen.") % {"card": membership.card_number}
        return _("The membership %(card)s has no visits left (%(used)d of %(limit)d used).") % {
            "card": membership.card_number,
            "used": membership.visits_used,
            "limit": membership.visit_limit,
        }
    upcoming = [m for m in candidates if states[m.pk] == "not_started"]
    if upcoming:
        return _("The membership %(card)s starts on %(date)s.") % {
            "card": upcoming[0].card_number,
            "date": formats.date_format(upcoming[0].start_date),
        }
    latest = max(candidates, key=lambda m: m.end_date)
    return _("The membership %(card)s expired on %(date)s.") % {
        "card": latest.card_number,
        "date": formats.date_format(latest.end_date),
    }


def visits_used_adjust(*, membership_id: int | None, delta: int) -> None:
    """Count visits entered or removed outside check-in (the admin site); never below zero."""
    if membership_id is None or delta == 0:
        return
    from django.db.models.functions import Greatest

    Membership.objects.filter(pk=membership_id).update(
        visits_used=Greatest(F("visits_used") + delta, 0), updated_at=timezone.now()
    )


def frozen_days(start: datetime.date | None, end: datetime.date | None) -> int:
    """Days a freeze covers, both ends included; 0 while it is open."""
    if start is None or end is None:
        return 0
    return (end - start).days + 1


def membership_end_shift(*, membership_id: int, days: int) -> None:
    """Move a membership's end date by the days a freeze added (or gave back)."""
    if days:
        Membership.objects.filter(pk=membership_id).update(
            end_date=F("end_date") + datetime.timedelta(days=days), updated_at=timezone.now()
        )
