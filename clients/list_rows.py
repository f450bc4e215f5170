"""The client list's rows, written here rather than in the template's loop: 25 rows of links,
contacts, badges and dates through the template language were the page's costliest part (issue
#17). The markup is the one ``templates/clients/client_list.html`` wrapped around them.

The rows are plain f-strings with every value escaped as ``format_html`` escapes it (``escape``:
Python's ``html.escape``), and what repeats from row to row worked out once a page: the card's
address reversed once, the labels and the badges' texts translated once, each date written once
(``ShortDates``): ``format_html``, ``reverse``, ``gettext`` and ``date_format`` row by row cost
half a millisecond a row."""

import datetime
import html

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.templatetags.crm import phone_link

from . import rules
from .models import Client

escape = html.escape  # what ``django.utils.html.escape`` does to a string, without its lazy wrapper
_SOME_PK = 918273645  # reversed once: the card's address is the text either side of it


def client_rows(clients, today: datetime.date, *, show_manager: bool) -> SafeString:
    """Each client of the page (a row of ``views.LIST_ROW``: the client's columns, ``phone_as_stored``,
    the manager's names of ``LIST_MANAGER`` and ``selectors.client_list_columns``) as a table row:
    name and e-mail, phone, stage, manager (``show_manager``), the card that matters today with
    its badge, the last visit."""
    phone_label, membership_label = escape(_("Phone")), escape(_("Membership"))
    no_membership = f'<span class="text-body-secondary small">{escape(_("No membership"))}</span>'
    stages = {value: escape(str(label)) for value, label in Client.Stage.choices}
    card = reverse("client-card", args=[_SOME_PK])
    card_before, card_after = (escape(part) for part in card.split(str(_SOME_PK)))
    dates = ShortDates()
    badges = _Badges(today, dates)
    rows = []
    for client in clients:
        email = (f'<div class="small text-body-secondary text-break"><a href="mailto:{escape(client.email)}"'
                 f' class="text-break">{escape(client.email)}</a></div>') if client.email else ""
        manager = f'<td class="d-none d-lg-table-cell">{escape(_manager(client))}</td>' \
            if show_manager else ""
        last_visit = escape(dates.local(client.last_visit)) if client.last_visit else "—"
        membership = badges.of(client) if client.membership_end else no_membership
        rows.append(
            f'<tr><td><a class="fw-semibold" href="{card_before}{client.pk}{card_after}">'
            f'{escape(Client.name_of(client.first_name, client.last_name))}</a>'
            f'{email}</td><td class="text-nowrap" data-label="{phone_label}">'
            f'{conditional_escape(phone_link(client.phone_as_stored))}</td>'
            f'<td class="d-none d-md-table-cell"><span class="badge rounded-pill text-bg-light border">'
            f'{stages.get(client.stage) or escape(client.stage)}</span></td>'
            f'{manager}<td data-label="{membership_label}">{membership}</td>'
            f'<td class="d-none d-md-table-cell small">{last_visit}</td></tr>'
        )
    return mark_safe("\n".join(rows))


def _manager(client) -> str:
    """The client's manager as ``person`` writes a user: full name, else login, else a dash."""
    if client.assigned_manager_id is None:
        return "—"
    return f"{client.manager_first_name} {client.manager_last_name}".strip() or client.manager_username


class _Badges:
    """The card that matters today: plan and number, and a badge — expired, days left when it
    expires soon (``rules.is_expiring_soon``), or until when it runs; each badge's text
    translated once a page."""

    def __init__(self, today: datetime.date, dates: "ShortDates"):
        self.today, self.dates, self.texts = today, dates, {}
        self.expired, self.until = _("expired %(date)s"), _("until %(date)s")

    def of(self, client) -> str:
        end = client.membership_end
        key = (end - self.today).days
        badge = self.texts.get(key)
        if badge is None:
            badge = self.texts[key] = self._badge(end, key)
        return (f'<div class="small">{escape(str(client.membership_plan))} · '
                f'{escape(str(client.membership_card))}</div>{badge}')

    def _badge(self, end: datetime.date, days_left: int) -> str:
        date = self.dates.date(end)
        if days_left < 0:
            badge, text = "danger", self.expired % {"date": date}
        elif rules.is_expiring_soon(days_left):
            text = ngettext("%(days)s day left", "%(days)s days left", days_left) % {"days": days_left}
            badge = "warning"
        else:
            badge, text = "success", self.until % {"date": date}
        return f'<span class="badge text-bg-{badge}">{escape(text)}</span>'


class ShortDates:
    """Dates as ``date_format(value, "SHORT_DATE_FORMAT")`` writes them in the active language,
    each date written once: with ``strftime`` when the format holds only day, month and year
    numbers (``d``, ``m``, ``Y``; ``d.m.Y`` in our three languages), else by Django."""

    # Django's date format characters that strftime writes alike (years from 1000 on).
    STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y"}

    def __init__(self):
        self.format = formats.get_format("SHORT_DATE_FORMAT")
        self.pattern = self._strftime_pattern(self.format)
        self.written = {}

    @classmethod
    def _strftime_pattern(cls, django_format: str) -> str | None:
        pattern = []
        for char in django_format:
            if char in cls.STRFTIME:
                pattern.append(cls.STRFTIME[char])
            elif char.isalpha() or char == "\\":
                return None
            else:
                pattern.append(char.replace("%", "%%"))
        return "".join(pattern)

    def date(self, day: datetime.date) -> str:
        text = self.written.get(day)
        if text is None:
            if self.pattern is not None and day.year >= 1000:
                text = day.strftime(self.pattern)
            else:
                text = formats.date_format(day, self.format)
            self.written[day] = text
        return text

    def local(self, moment: datetime.datetime) -> str:
        """The club-local date of ``moment``."""
        return self.date(timezone.localtime(moment).date())
