"""Rollups beside the visits, kept in step by database triggers (``clients/rollups.py``): never
written by the product's code, read by the dashboard, Today and the at-risk rule."""

import datetime

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


class FiguresVersion(models.Model):
    """A version per calendar month ('YYYY-MM', club-local) that database triggers bump whenever a
    write lands on a day of that month — a sale, a visit, a new client, an offer, a survey
    answer, a complaint received or resolved (``clients/rollups.py`` and its peers in ``sales``
    and ``staff``) — and a version of everything ('*') bumped by a write whose reach no month
    bounds (a card cancelled, moved or backdated, a freeze, a plan edited, the rollups rebuilt).
    The dashboard keeps a closed period's figures under the sum of its months' versions: the
    figures stay cached until a backdated write touches them, and a write today (this month)
    leaves them alone."""

    EVERYTHING = "*"

    month = models.CharField(_("month"), max_length=7, primary_key=True)
    version = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("version of a month's figures")
        verbose_name_plural = _("versions of the months' figures")

    @classmethod
    def of(cls, first, last) -> int:
        """The version of the figures of the days ``first``..``last``: one query."""
        months, month = [cls.EVERYTHING], first.replace(day=1)
        while month <= last:
            months.append(f"{month:%Y-%m}")
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return cls.objects.filter(month__in=months).aggregate(v=models.Sum("version"))["v"] or 0
