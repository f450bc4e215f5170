"""Rollups beside the visits, kept in step by database triggers (``clients/rollups.py``): never
written by the product's code, read by the dashboard, Today and the at-risk rule."""

import datetime

from django.conf import settings
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


class ClientsPerManager(models.Model):
    """How many clients each accompaniment manager holds — ``manager`` 0 (no user has that id)
    counts the clients without one — so that the client list shows how many clients it holds
    without counting them (``clients.selectors.visible_clients_count``)."""

    manager = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("accompaniment manager"), primary_key=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    clients = models.IntegerField(_("clients"))

    class Meta:
        verbose_name = _("clients of a manager")
        verbose_name_plural = _("clients per manager")


class FiguresVersion(models.Model):
    """A version per calendar month ('YYYY-MM', club-local) that database triggers bump whenever a
    write lands on a day of that month — a sale, a visit, a new client, an offer, a survey
    answer, a complaint received or resolved (``clients/rollups.py`` and its peers in ``sales``
    and ``staff``) — and a version of everything ('*') bumped by a write whose reach no month
    bounds (a card cancelled, moved or backdated, a freeze, a plan edited, the rollups rebuilt).
    The dashboard keeps a closed period's figures under the sum of its months' versions: the
    figures stay cached until a backdated write touches them, and a write today (this month)
    leaves them alone. ``MANAGERS`` ('manager') is bumped whenever a client moves to another
    accompaniment manager (or to none): the figures kept per manager read it too."""

    EVERYTHING = "*"
    MANAGERS = "manager"

    month = models.CharField(_("month"), max_length=7, primary_key=True)
    version = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("version of a month's figures")
        verbose_name_plural = _("versions of the months' figures")

    @classmethod
    def of(cls, first, last, *keys: str) -> int:
        """The version of the figures of the days ``first``..``last`` (and of ``keys``, e.g.
        ``MANAGERS``): one query."""
        months, month = [cls.EVERYTHING, *keys], first.replace(day=1)
        while month <= last:
            months.append(f"{month:%Y-%m}")
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return cls.objects.filter(month__in=months).aggregate(v=models.Sum("version"))["v"] or 0
