"""Rollups beside the visits, kept in step by database triggers (``clients/rollups.py``): never
written by the product's code, read by the dashboard, Today and the at-risk rule."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .client import Client
from .membership import MembershipPlan


class DailyVisits(models.Model):
    """Visits counted against a card, per club-local day and the card's plan (the plan's category
    and department are read through it, so a plan's edit never makes the rollup stale)."""

    day = models.DateField(_("day"))
    plan = models.ForeignKey(
        MembershipPlan, verbose_name=_("plan"), on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    visits = models.IntegerField(_("visits"))

    class Meta:
        verbose_name = _("visits of a day")
        verbose_name_plural = _("visits per day")
        constraints = [models.UniqueConstraint(fields=["day", "plan"], name="dailyvisits_day_plan_uniq")]


class ClientLastVisit(models.Model):
    """Each client's latest check-in (a client who never came has no row)."""

    client = models.OneToOneField(
        Client, verbose_name=_("client"), primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="last_visit_row",
    )
    checked_in_at = models.DateTimeField(_("last visit"))

    class Meta:
        verbose_name = _("last visit")
        verbose_name_plural = _("last visits")
        indexes = [models.Index(fields=["checked_in_at"], name="lastvisit_time_idx")]
