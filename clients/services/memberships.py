"""Selling, renewing and freezing memberships, and checking clients in."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import outside_dates_message, within_dates
from .. import rules
from ..models import Client, Freeze, Membership, MembershipPlan, Visit

# Sent inside the selling transaction, so that a higher app (the sales ledger) can record the
# money in the same transaction without this app importing it. Arguments: membership, seller.
membership_sold = Signal()


def _new_card_number() -> str:
    return f"{timezone.localdate():%y}{secrets.randbelow(10**8):08d}"


def membership_sell(
    *,
    client: Client,
    plan: MembershipPlan,
    start_date: datetime.date,
    seller,
    card_number: str = "",
    price=None,
) -> Membership:
    """Sell ``plan`` to ``client`` from ``start_date``: end date and visits come from the plan.

    A card number is generated when none is given. Raises ValidationError with a message for
    the field at fault (duplicate card number, plan not on sale...).
    """
    if not plan.is_active:
        raise ValidationError({"plan": _("This plan is no longer on sale.")})
    if not within_dates(start_date, days_after=plan.duration_days - 1):
        raise ValidationError({"start_date": outside_dates_message()})
    for _attempt in range(5):
        membership = Membership(
            client=client,
            plan=plan,
            card_number=card_number or _new_card_number(),
            start_date=start_date,
            end_date=rules.plan_end_date(plan, start_date),
            visit_limit=plan.visit_limit,
            price=plan.price if price is None else price,
            sold_by=seller,
            created_by=seller,
        )
        # A number the user typed is checked here, with a clear message; a generated one is
        # left to the database's unique constraint, so that a collision draws another.
        membership.full_clean(validate_unique=bool(card_number))
        try:
            with transaction.atomic():
                membership.save()
                membership_sold.send(sender=Membership, membership=membership, seller=seller)
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
    errors = {}
    today = timezone.localdate()
    if not reason or not reason.strip():
        errors["reason"] = _("Give the reason for the freeze.")
    if days is None or days < 1:
        errors["days"] = _("A freeze lasts at least one day.")
    if start_date < today:
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


@transaction.atomic
def visit_check_in(*, client: Client, user, at: datetime.datetime | None = None) -> Visit:
    """Check a client in on the card usable for a check-in that day (``rules.usable_for_check_in``;
    the one started first), counting the visit.

    Refused with a clear message when there is no membership, or when it is cancelled,
    expired, frozen, not started yet or out of visits.
    """
    at = at or timezone.now()
    on = timezone.localdate(at)
    membership = (
        rules.usable_for_check_in(on).filter(client=client).select_for_update()
        .order_by("start_date", "id").first()
    )
    if membership is None:
        raise ValidationError(_refusal(client, on))
    Membership.objects.filter(pk=membership.pk).update(visits_used=F("visits_used") + 1)
    visit = Visit(client=client, membership=membership, checked_in_at=at, created_by=user)
    visit.save()
    return visit


def _refusal(client: Client, on: datetime.date) -> str:
    """Why no card of the client is usable on ``on``, by the state of each (``rules.membership_state``)."""
    candidates = list(
        client.memberships.filter(rules.not_cancelled_q()).prefetch_related("freezes").order_by("start_date", "id")
    )
    if not candidates:
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
