"""Importing and exporting clients and memberships from the admin site (django-import-export).

A club arrives with years of clients in spreadsheets. A file (CSV or Excel .xlsx) is read into
rows; each row is parsed by a pure function (``client_row_parse``, ``membership_row_parse``)
into model values or plain-words reasons; the resource then resolves what needs the database
(a manager by username, a plan by name, the existing row to update) and validates the
instance with ``full_clean()`` (constraints included), so that every refusal is a message next
to its row, never an exception. The admin (``core.spreadsheets.admin.ImportExportAllOrNothingMixin``)
imports a file only when every row is valid, in one transaction.

Here are only the clients' and memberships' columns, row parsers and resources; the file
formats, the cell parsers and ``ClubResource`` are the spreadsheet framework's
(``core.spreadsheets``). The columns of every file are listed in ``docs/import/README.md``.
"""

import datetime
import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import widgets

from core.spreadsheets import (
    CellError,
    ClubResource,
    ParsedRow,
    PhoneWidget,
    cell_text,
    chunked,
    column_field,
    constraint_message,
    e164,
    natural_key_field,
    one_of,
    parse_date,
    parse_email,
    parse_int,
    parse_phone,
    parse_price,
    parse_row,
    parse_text,
    username,
    users_by_username,
    with_phones_in,
    yes_no,
)

from .models import Channel, Client, Membership
from .models.weekdays import weekdays_value
from .services import client_change_refusal


def parse_contact(value: Any) -> str:
    """A client named by phone (its E.164 text) or, when the cell has an "@", by e-mail."""
    text = cell_text(value)
    return parse_email(text).lower() if "@" in text else str(parse_phone(text))


# As Ukrainian and Russian forms abbreviate them: жіноча/женский, чоловіча, мужской.
GENDER_ABBREVIATIONS = {"ж": "f", "жін": "f", "жен": "f", "ч": "m", "чол": "m", "м": "m", "муж": "m"}

@functools.cache
def _weekday_words() -> dict[str, int]:
    """Every way a day may be written: 1–7, and its name or abbreviation in each language."""
    words = {str(n): n for n in range(1, 8)}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for n in range(1, 8):
                words[str(WEEKDAYS[n - 1]).lower()] = n
                words[str(WEEKDAYS_ABBR[n - 1]).lower().rstrip(".")] = n
    return words


def parse_weekdays(value: Any) -> str:
    """Days written "Mon, Thu", "пн ср", "1,4" or "14" (1 Monday … 7 Sunday) → "14"; empty: any day."""
    text = cell_text(value)
    if re.fullmatch(r"[1-7]+", text):  # as exported: "135"
        return weekdays_value(text)
    days = []
    for word in re.split(r"[\s,;/]+", text.lower()):
        if not word:
            continue
        found = _weekday_words().get(word.rstrip("."))
        if found is None:
            raise CellError(_("“%(value)s” is not a day of the week (Mon … Sun or 1 … 7).") % {"value": word})
        days.append(found)
    return weekdays_value(days)


def parse_time(value: Any) -> datetime.time | None:
    """A time of day, "18:00" or "7.30" (a spreadsheet's time cell as is); empty: none."""
    if isinstance(value, datetime.time):
        return value
    if isinstance(value, datetime.datetime):
        return value.time()
    text = cell_text(value)
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})(?::\d{2})?", text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise CellError(_("“%(value)s” is not a time of day such as 18:00.") % {"value": text})
    return datetime.time(int(match[1]), int(match[2]))


CLIENT_COLUMNS: dict[str, Callable[[Any], Any]] = {
    "first_name": parse_text,
    "last_name": parse_text,
    "middle_name": parse_text,
    "phone": parse_phone,
    "email": parse_email,
    "birth_date": parse_date,
    "gender": one_of(Client.Gender, aliases=GENDER_ABBREVIATIONS),
    "language": one_of(Client.Language, default=Client.Language.UKRAINIAN),
    "address": parse_text,
    "source": one_of(Client.Source, default=Client.Source.WALK_IN),
    "assigned_manager": parse_text,
    "goals": parse_text,
    "needs": parse_text,
    "health_notes": parse_text,
    "consent_email": yes_no(default=False),
    "consent_sms": yes_no(default=False),
    "consent_telegram": yes_no(default=False),
    "consent_calls": yes_no(default=False),
    "preferred_channel": one_of(Channel, default=Channel.EMAIL),
    "telegram_chat_id": parse_text,
    "notes": parse_text,
    "preferred_weekdays": parse_weekdays,
    "preferred_time_from": parse_time,
    "preferred_time_to": parse_time,
}


CLIENT_REQUIRED = {"first_name": gettext_lazy("A client needs a first name.")}
UNKNOWN_USERNAME = gettext_lazy("No user has the username “%(value)s”.")


def client_row_parse(row: Mapping[str, Any]) -> ParsedRow:
    """One row of a clients file → the client's field values, or the reasons it is refused.

    ``row`` maps column names (``CLIENT_COLUMNS``) to cells as a file reader gives them: text,
    numbers, dates, booleans or None. Only the columns present are parsed, so that a file with
    fewer columns changes only those. The phone comes out in E.164 ("050 123 45 67" →
    "+380501234567"), choices as their codes, yes/no cells as booleans. Never touches the
    database and never raises: every problem is an entry of ``errors``. What needs the
    database (an unknown manager's username, a phone or e-mail of another client) is checked by
    ``ClientResource``.
    """
    parsed = parse_row(
        row, CLIENT_COLUMNS, references=("assigned_manager",),
        required=CLIENT_REQUIRED,
    )
    if parsed.blank:
        return parsed
    values = parsed.values
    if not (values.get("phone") or values.get("email")) and not parsed.errors.keys() & {"phone", "email"}:
        parsed.add_error(NON_FIELD_ERRORS, _("Enter a phone number or an e-mail to reach the client."))
    channel = values.get("preferred_channel")
    if channel == Channel.SMS and not values.get("phone") and "phone" not in parsed.errors:
        parsed.add_error("phone", _("Enter a phone number to use SMS."))
    if channel == Channel.TELEGRAM and not values.get("telegram_chat_id"):
        parsed.add_error("telegram_chat_id", _("Enter the Telegram chat id to use Telegram."))
    if channel == Channel.EMAIL and values.get("consent_email") and not values.get("email"):
        if "email" not in parsed.errors:
            parsed.add_error("email", _("Enter an e-mail to send e-mails."))
    return parsed


class _FromPlan:
    """An empty visit-limit cell: the plan's limit applies (None would mean unlimited)."""

    def __repr__(self):
        return "FROM_PLAN"


FROM_PLAN = _FromPlan()
UNLIMITED = "unlimited"
UNLIMITED_WORDS = {UNLIMITED, "∞", "no limit", "безліміт", "без обмежень", "безлимит", "без ограничений"}


def parse_visit_limit(value: Any) -> int | None | _FromPlan:
    """A number of visits, "unlimited" (None), or FROM_PLAN for an empty cell."""
    text = cell_text(value)
    if not text:
        return FROM_PLAN
    if text.lower() in UNLIMITED_WORDS:
        return None
    return parse_int(text)


def parse_count(value: Any) -> int:
    """A whole number; 0 for an empty cell."""
    number = parse_int(value)
    return 0 if number is None else number


MEMBERSHIP_COLUMNS: dict[str, Callable[[Any], Any]] = {
    "card_number": parse_text,
    "client": parse_contact,
    "plan": parse_text,
    "start_date": parse_date,
    "end_date": parse_date,
    "visit_limit": parse_visit_limit,
    "visits_used": parse_count,
    "price": parse_price,
    "status": one_of(Membership.Status, default=Membership.Status.ACTIVE),
    "cancelled_on": parse_date,
    "cancel_reason": parse_text,
    "sold_by": parse_text,
    "notes": parse_text,
}


def membership_row_parse(row: Mapping[str, Any]) -> ParsedRow:
    """One row of a memberships file → the membership's values, or the reasons it is refused.

    The client is named by phone (any format) or e-mail, the plan by name, the seller by
    username: these are ``references`` for ``MembershipResource`` to look up. An empty end
    date, price or visit limit is taken from the plan there (FROM_PLAN marks the visit limit;
    "unlimited" means no limit). Never touches the database and never raises.
    """
    return parse_row(
        row, MEMBERSHIP_COLUMNS, references=("client", "plan", "sold_by"),
        required={
            "card_number": _("Enter the card number."),
            "client": _("Enter the client's phone or e-mail."),
            "plan": _("Enter the name of the plan."),
            "start_date": _("Enter the start date."),
        },
    )


class VisitLimitWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return UNLIMITED if value is None else str(value)


def client_contact(client: Client) -> str:
    """How a memberships file names its client: the phone in E.164, else the e-mail."""
    return e164(client.phone) or client.email


class ClientResource(ClubResource):
    """Clients, matched by phone (E.164), else by e-mail (in any case); the manager by username."""

    row_parse = staticmethod(client_row_parse)
    required_columns = (("first_name",), ("phone", "email"))
    constraints_checked_in_resolve = ("client_phone_unique", "client_email_unique_ci")

    phone = column_field("phone", PhoneWidget())
    assigned_manager = natural_key_field("assigned_manager", username)

    class Meta:
        model = Client
        fields = tuple(CLIENT_COLUMNS)
        use_bulk = True
        batch_size = 1000

    def load(self, rows):
        phones = [row.values.get("phone") for row in rows]
        emails = [(row.values.get("email") or "").lower() for row in rows]
        clients = Client.objects.select_related("assigned_manager")
        found = {client.pk: client for client in with_phones_in(clients, phones)}
        for chunk in chunked(emails):
            matching = clients.annotate(email_key=Lower("email")).filter(email_key__in=chunk)
            found |= {client.pk: client for client in matching if client.pk not in found}
        self.by_phone = {e164(client.phone): client for client in found.values() if client.phone}
        self.by_email = {client.email.lower(): client for client in found.values() if client.email}
        self.users = users_by_username(row.references.get("assigned_manager") for row in rows)

    def existing(self, parsed):
        phone, email = parsed.values.get("phone"), (parsed.values.get("email") or "").lower()
        return (phone and self.by_phone.get(phone)) or (email and self.by_email.get(email)) or None

    @staticmethod
    def contact_keys(client: Client) -> tuple[str, str]:
        return (e164(client.phone), client.email.lower())

    def after_init_instance(self, instance, new, row, **kwargs):
        self.keys_before = self.contact_keys(instance)

    def resolve(self, instance, parsed, errors):
        """The manager; and the phone and e-mail unique among clients (the constraints), checked
        against the clients ``load`` found with the file's phones and e-mails."""
        self.set_reference(
            instance, parsed, errors, "assigned_manager", self.users,
            UNKNOWN_USERNAME,
        )
        self.keys = self.contact_keys(instance)  # the row's, once its values are set
        taken = zip(("phone", "email"), self.keys, (self.by_phone, self.by_email))
        for (column, key, clients), constraint in zip(taken, self.constraints_checked_in_resolve):
            other = clients.get(key) if key else None
            if other is not None and other.pk != instance.pk and column not in errors:
                errors[column] = [constraint_message(Client, constraint)]

    def unique_in_file(self, instance):
        return dict(zip(("phone", "email"), self.keys))

    def change_refused(self, instance):
        """As the client's form: a client whose personal data were erased is not changed."""
        return client_change_refusal(instance)

    def after_save_instance(self, instance, row, **kwargs):
        """Keep the loaded phones and e-mails up to date as the import changes them."""
        for clients, old, new in zip((self.by_phone, self.by_email), self.keys_before, self.keys):
            if old and clients.get(old) is instance:
                del clients[old]
            if new:
                clients[new] = instance
