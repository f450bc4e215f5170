import functools

from django import forms
from django.contrib.auth import get_user_model
from django.forms.models import ModelChoiceIterator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from core import roles
from core.capabilities import SEE_ALL_CLIENTS, can
from core.forms import DateInput
from .models import Client, Contraindication, Interaction, Measurement, Task
from .models.client import EARLIEST_BIRTH_DATE
from .selectors import clients_visible_to


def managers_queryset():
    return (
        get_user_model()
        .objects.filter(groups__name=roles.MANAGER, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


class _ManagersInOneRead(ModelChoiceIterator):
    """The managers read as one list: Django's iterator reads its queryset through
    ``QuerySet.iterator()``, on PostgreSQL a server-side cursor (declared, fetched and closed:
    three round trips for a dozen rows)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for user in self.queryset.all():
            yield self.choice(user)


class ManagerChoiceField(forms.ModelChoiceField):
    iterator = _ManagersInOneRead

    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


@functools.lru_cache(maxsize=4)
def _managers_sql(using: str) -> tuple[str, tuple]:
    """What a manager's option shows (``ManagerChoiceField.label_from_instance``), the columns in
    the model's order (as ``Model.from_db`` takes them); the rest of the user is not read."""
    queryset = managers_queryset().only("first_name", "last_name", "username")
    sql, params = queryset.query.get_compiler(using=using).as_sql()
    return sql, tuple(params)


class _ClubManagers(ModelChoiceIterator):
    """``managers_queryset()`` read with its SQL compiled once per process and database and its
    rows made users directly: Django compiling the join through the groups on every client list
    took more than reading it, and a raw queryset's machinery as much again."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        using = self.queryset.db
        user_model = get_user_model()
        with connections[using].cursor() as cursor:
            cursor.execute(*_managers_sql(using))
            columns, rows = [column[0] for column in cursor.description], cursor.fetchall()
        for row in rows:
            yield self.choice(user_model.from_db(using, columns, row))


class ClubManagerChoiceField(ManagerChoiceField):
    """A choice among the club's managers: its queryset must be ``managers_queryset()`` (what it
    lists; a choice is checked against the queryset as usual)."""

    iterator = _ClubManagers


def find_client_by_phone_or_card(text: str) -> Client | None:
    """The client whose phone (typed in any format) or card number is ``text``."""
    from phonenumber_field.phonenumber import to_python

    text = text.strip()
    if not text:
        return None
    phone = to_python(text)
    query = Q(memberships__card_number__iexact=text)
    if phone and phone.is_valid():
        query |= Q(phone=phone.as_e164)
    return Client.objects.filter(query).distinct().first()


class ClientForm(forms.ModelForm):
    """Create or change a client; a duplicate phone or e-mail points to the existing card."""

    phone = PhoneNumberField(label=_("Phone"), required=False)
    referred_by_lookup = forms.CharField(
        label=_("Referred by"),
        required=False,
        help_text=_("Phone or card number of the client who recommended the club."),
    )
    assigned_manager = ManagerChoiceField(
        label=_("Accompaniment manager"), queryset=None, required=False
    )

    class Meta:
        model = Client
        fields = [
            "first_name",
            "middle_name",
            "last_name",
            "phone",
            "email",
            "birth_date",
            "gender",
            "language",
            "address",
            "source",
            "assigned_manager",
            "goals",
            "needs",
            "health_notes",
            "contraindications",
            "preferred_weekdays",
            "preferred_time_from",
            "preferred_time_to",
            "consent_email",
            "consent_sms",
            "consent_telegram",
            "consent_calls",
            "service_email",
            "service_sms",
            "service_telegram",
            "preferred_channel",
            "telegram_chat_id",
            "notes",
        ]
        widgets = {
            "birth_date": DateInput(),
            "contraindications": forms.CheckboxSelectMultiple,
            "goals": forms.Textarea(attrs={"rows": 2}),
            "needs": forms.Textarea(attrs={"rows": 2}),
            "health_notes": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "preferred_time_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "preferred_time_to": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["assigned_manager"].queryset = managers_queryset()
        self.fields["contraindications"].queryset = Contraindication.objects.all()
        self.fields["contraindications"].required = False
        self.fields["birth_date"].widget.attrs["max"] = timezone.localdate().isoformat()
        if not can(user, SEE_ALL_CLIENTS):
            # A manager keeps their own clients; the director and the front desk assign them.
            del self.fields["assigned_manager"]
        if self.instance.referred_by_id and not self.is_bound:
            referrer = self.instance.referred_by
            self.initial["referred_by_lookup"] = str(referrer.phone or "")

    # What the new-client form asks first; the rest is folded away (or filled in later, from the card).
    ESSENTIALS = ("first_name", "last_name", "phone", "email", "source", "referred_by_lookup", "assigned_manager", "goals")

    @property
    def more_details_have_errors(self) -> bool:
        """A field folded away has an error: the form opens the fold to show it."""
        return any(name not in self.ESSENTIALS for name in self.errors if name != "__all__")

    def _duplicate_error(self, field, existing: Client):
        if clients_visible_to(self.user).filter(pk=existing.pk).exists():
            return format_html(
                '{} <a href="{}">{}</a>',
                _("This client is already in the database:"),
                reverse("client-card", args=[existing.pk]),
                existing.full_name,
            )
        return _("This contact is already used by a client of another manager: ask the director.")

    def clean_phone(self):
        phone = self.cleaned_data.get("phone")
        if phone:
            existing = Client.objects.filter(phone=phone).exclude(pk=self.instance.pk).first()
            if existing:
                raise forms.ValidationError(self._duplicate_error("phone", existing))
        return phone or ""

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip()
        if email:
            existing = (
                Client.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).first()
            )
            if existing:
                raise forms.ValidationError(self._duplicate_error("email", existing))
        return email

    def clean_birth_date(self):
        birth_date = self.cleaned_data.get("birth_date")
        if birth_date and birth_date > timezone.localdate():
            raise forms.ValidationError(_("The birth date cannot be in the future."))
        if birth_date and birth_date < EARLIEST_BIRTH_DATE:
            raise forms.ValidationError(_("The birth date is too far in the past."))
        return birth_date

    def clean_referred_by_lookup(self):
        text = self.cleaned_data.get("referred_by_lookup", "")
        if not text.strip():
            self.instance.referred_by = None
            return ""
        referrer = find_client_by_phone_or_card(text)
        if referrer is None:
            raise forms.ValidationError(_("No client has this phone or card number."))
        if self.instance.pk and referrer.pk == self.instance.pk:
            raise forms.ValidationError(_("A client cannot refer themselves."))
        self.instance.referred_by = referrer
        return text

    def clean(self):
        cleaned = super().clean()
        channel = cleaned.get("preferred_channel")
        if channel == "telegram" and not cleaned.get("telegram_chat_id"):
            self.add_error("telegram_chat_id", _("Enter the Telegram chat id to use Telegram."))
        if channel == "sms" and not cleaned.get("phone"):
            self.add_error("phone", _("Enter a phone number to use SMS."))
        if channel == "email" and not cleaned.get("email") and cleaned.get("consent_email"):
            self.add_error("email", _("Enter an e-mail to send e-mails."))
        starts, ends = cleaned.get("preferred_time_from"), cleaned.get("preferred_time_to")
        if starts and ends and ends <= starts:
            self.add_error("preferred_time_to", _("The preferred time ends before it starts."))
        if not cleaned.get("phone") and not cleaned.get("email") and not self.errors:
            raise forms.ValidationError(_("Enter a phone number or an e-mail to reach the client."))
        return cleaned


def channel_warnings(client: Client) -> list[str]:
    """What the client's form warns about (saved all the same): the preferred channel without an
    address, opted out of service messages, or without marketing consent."""
    from .models import Channel

    channel = Channel(client.preferred_channel)
    warnings = []
    if not getattr(client, channel.address_field):
        warnings.append(_("The preferred channel (%(channel)s) has no address: messages go by another channel.")
                        % {"channel": channel.label})
    elif not client.reachable_on(channel):
        warnings.append(_("The client blocked the club's bot: messages go by another channel."))
    if not getattr(client, channel.service_field):
        warnings.append(_("The client opted out of service messages by %(channel)s, the preferred channel.")
                        % {"channel": channel.label})
    if not getattr(client, channel.consent_field):
        warnings.append(_("No marketing consent for %(channel)s: promotions and birthday offers do not go by the preferred channel.")
                        % {"channel": channel.label})
    return warnings


class FreezeForm(forms.Form):
    start_date = forms.DateField(label=_("First frozen day"), widget=DateInput())
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=365)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class FreezeRequestForm(FreezeForm):
    """A client's request to freeze a card, taken at the front desk for their manager: which card
    (those running or not started yet), from when, how many days, why."""

    membership = forms.ModelChoiceField(label=_("Card"), queryset=None)
    field_order = ["membership", "start_date", "days", "reason"]

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = memberships
        self.fields["membership"].label_from_instance = lambda m: f"{m.card_number} · {m.plan}"


class InteractionForm(forms.ModelForm):
    follow_up_title = forms.CharField(
        label=_("Follow-up task"), max_length=200, required=False,
        help_text=_("Optional: what to do next."),
    )
    follow_up_due = forms.DateField(label=_("Due"), required=False, widget=DateInput())

    class Meta:
        model = Interaction
        fields = ["kind", "direction", "summary", "outcome"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "outcome": forms.Textarea(attrs={"rows": 1}),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("follow_up_due") and not cleaned.get("follow_up_title"):
            self.add_error("follow_up_title", _("Name the follow-up task."))
        due = cleaned.get("follow_up_due")
        if due and due < timezone.localdate():
            self.add_error("follow_up_due", _("The due date cannot be in the past."))
        return cleaned


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["title", "due_date", "description"]
        widgets = {"due_date": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}


class MeasurementForm(forms.ModelForm):
    # The model's range rules, each shown next to the value it refuses (the database keeps them).
    RANGE_RULES = {
        "weight_kg": "measurement_weight_range",
        "height_cm": "measurement_height_range",
        "body_fat_percent": "measurement_body_fat_range",
        "muscle_mass_kg": "measurement_muscle_mass_positive",
        "waist_cm": "measurement_girths_positive",
        "hips_cm": "measurement_girths_positive",
        "chest_cm": "measurement_girths_positive",
    }
    # Readings a living person can have (the columns would take anything up to 32767).
    READING_LIMITS = {
        "resting_heart_rate": (20, 250),
        "blood_pressure_systolic": (40, 300),
        "blood_pressure_diastolic": (20, 200),
    }

    class Meta:
        model = Measurement
        fields = ["measured_on", *Measurement.VALUE_FIELDS, "notes"]
        widgets = {"measured_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 1})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in self.READING_LIMITS.items():
            field = self.fields[name]
            field.validators += [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update(min=low, max=high)

    def clean(self):
        cleaned = super().clean()
        constraints = {constraint.name: constraint for constraint in Measurement._meta.constraints}
        for name, rule in self.RANGE_RULES.items():
            if cleaned.get(name) is not None:
                try:
                    constraints[rule].validate(Measurement, Measurement(**{name: cleaned[name]}))
                except forms.ValidationError as error:
                    self.add_error(name, error.messages)
        return cleaned
