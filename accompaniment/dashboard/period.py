"""The dashboard's period: club-local dates, the department it is narrowed to, the moment it is
looked at, and the period it is compared with.

A period is compared with the previous one **of the same calendar kind** (``Period.previous``):

- a running month, quarter or year with the same days of the previous one: 1–7 December with
  1–7 November, 1 October – 20 November with 1 July – 20 August, 1 January – 20 November with
  1 January – 20 November of the year before; a day the previous one does not have is its
  last day (29–31 March with 28 February; 29 February with 28 February);
- a period of whole calendar months (a month, a quarter, a year, any months from a first to a
  last day) with as many whole months before it: October with September, March with the whole
  of February, 29 February included;
- the last 12 months with the 12 months before them;
- any other range with the same number of days just before it.

The page labels what it compares (``Period.comparison_label``) beside the dates of both.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext, ngettext

from core.dates import day_start
from staff.models import Department

SERIES_MONTHS = 12


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later (or earlier), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, month_end(datetime.date(year, month, 1)).day))


def month_end(day: datetime.date) -> datetime.date:
    """The last day of ``day``'s month."""
    following = datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


# How many calendar months a preset's period steps back to be compared (None: by its days).
MONTH = 1
QUARTER = 3
YEAR = 12
PRESET_STEPS = {
    "this_month": MONTH,
    "last_month": MONTH,
    "this_quarter": QUARTER,
    "this_year": YEAR,
    "last_12_months": YEAR,
    "custom": None,
}


def preset_dates(preset: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The dates of a preset: the current month, quarter and year run up to today."""
    if preset == "last_month":
        end = today.replace(day=1) - datetime.timedelta(days=1)
        return end.replace(day=1), end
    if preset == "this_quarter":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    if preset == "this_year":
        return today.replace(month=1, day=1), today
    if preset == "last_12_months":
        return add_months(today, -12) + datetime.timedelta(days=1), today
    return today.replace(day=1), today


@dataclasses.dataclass(frozen=True)
class Period:
    """Club-local dates ``start``..``end`` (both included) and an optional department.

    ``now`` is the moment the dashboard is looked at: values "as of" the period (active members,
    open complaints…) are taken at the period's end, or now if the period has not ended yet.
    ``step_months`` is the calendar length it is compared by (1 a month, 3 a quarter, 12 a year,
    from its preset); None: whole calendar months are compared by their number, any other
    range by its days (see the module's docstring).
    """

    start: datetime.date
    end: datetime.date
    department: Department | None = None
    now: datetime.datetime = dataclasses.field(default_factory=timezone.now)
    step_months: int | None = None

    @classmethod
    def of_preset(cls, preset: str, today: datetime.date, department=None, **kwargs) -> Period:
        start, end = preset_dates(preset, today)
        return cls(start, end, department, step_months=PRESET_STEPS[preset], **kwargs)

    @property
    def today(self) -> datetime.date:
        return timezone.localtime(self.now).date()

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> Decimal:
        return Decimal(self.days) / Decimal(7)

    @property
    def months(self) -> int:
        """Calendar months in the period, rounded up: 1 for any part of a month, 1 for
        1–31 October, 3 for a quarter, 2 for 15 October – 15 November (one month and a day)."""
        whole = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
        if add_months(self.start, whole) > self.end + datetime.timedelta(days=1):
            whole -= 1
        return whole + (add_months(self.start, whole) < self.end + datetime.timedelta(days=1))

    @property
    def whole_months(self) -> int | None:
        """How many whole calendar months the period is (from a first day to a last day), or
        None when it is not made of whole months."""
        if self.start.day != 1 or self.end != month_end(self.end):
            return None
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def as_of(self) -> datetime.date:
        """The day "as of" values are taken on: the period's last day, or today if earlier."""
        return min(self.end, self.today)

    @property
    def since(self) -> datetime.datetime:
        return day_start(self.start)

    @property
    def until(self) -> datetime.datetime:
        """The first moment after the period (exclusive upper bound for timestamps)."""
        return day_start(self.end + datetime.timedelta(days=1))

    @property
    def moment(self) -> datetime.datetime:
        """The moment "as of" values are taken at: the end of the period, or now."""
        return min(self.until, self.now)

    @property
    def step(self) -> int | None:
        """The calendar months this period is compared by (None: by its days)."""
        return self.step_months or self.whole_months

    def previous(self) -> Period:
        """The period this one is compared with (see the module's docstring): the same days of
        the previous month, quarter or year, as many whole months before, or as many days."""
        step = self.step
        if step is None:
            return dataclasses.replace(
                self,
                start=self.start - datetime.timedelta(days=self.days),
                end=self.start - datetime.timedelta(days=1),
            )
        end = add_months(self.end, -step)
        if self.whole_months:  # whole months with whole months: March with all of February
            end = month_end(end)
        return dataclasses.replace(self, start=add_months(self.start, -step), end=end, step_months=step)

    def comparison_label(self) -> str:
        """What the previous period is, in a few words: "Same days last month", "Previous
        quarter", "Previous 12 months", "Previous 10 days"… (the page puts its dates beside)."""
        step = self.step
        whole = self.whole_months == step  # the whole month, quarter, year…: not the same days
        if step is None:
            return ngettext("Previous %(days)d day", "Previous %(days)d days", self.days) % {"days": self.days}
        from_first = self.start.day == 1
        if step == MONTH:
            return gettext("Previous month") if whole else gettext("Same days last month")
        if step == QUARTER and from_first and self.start.month % 3 == 1:
            return gettext("Previous quarter") if whole else gettext("Same days last quarter")
        if step == YEAR and from_first and self.start.month == 1:
            return gettext("Previous year") if whole else gettext("Same days last year")
        if whole or not from_first:  # whole months, or the last 12 months
            return ngettext("Previous %(months)d month", "Previous %(months)d months", step) % {"months": step}
        return ngettext(
            "Same days %(months)d month earlier", "Same days %(months)d months earlier", step
        ) % {"months": step}

    def month_starts(self) -> list[datetime.date]:
        """The first days of the SERIES_MONTHS calendar months ending with the period's last."""
        last = self.end.replace(day=1)
        return [add_months(last, -back) for back in range(SERIES_MONTHS - 1, -1, -1)]
