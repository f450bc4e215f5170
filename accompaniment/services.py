"""A client's data requests, across every app: export everything held about them, or erase it.

Both span all four apps, so they live here, in the package that composes them. Each reads or
writes a fixed number of queries (one per table), whatever the client's history.
"""

from __future__ import annotations

import json
import operator
from functools import reduce

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import (
    Client,
    ClientErasure,
    Freeze,
    HealthDataAccess,
    Interaction,
    Measurement,
    Membership,
    Notification,
    Task,
    Visit,
)
from clients.services.privacy import health_data_opened
from programs.models import Program, ProgramItem, Session
from sales.models import Offer, Recommendation, Sale
from staff.models import Feedback, SurveyResponse

# Stored in place of a free text that may hold personal data; not translated: it is data.
ERASED = "[erased]"
EXPORT_FORMAT = "accompaniment-crm/client-data/1"


def _rows(queryset: QuerySet, *fields: str) -> list[dict]:
    """Rows as plain dicts (one query): all concrete fields unless some are named."""
    return list(queryset.order_by("pk").values(*fields))


def _client_tables(client: Client) -> dict[str, QuerySet]:
    """Every table that holds rows about the client, by the name the export gives it."""
    pk = client.pk
    return {
        "measurements": Measurement.objects.filter(client_id=pk),
        "memberships": Membership.objects.filter(client_id=pk),
        "freezes": Freeze.objects.filter(membership__client_id=pk),
        "visits": Visit.objects.filter(client_id=pk),
        "interactions": Interaction.objects.filter(client_id=pk),
        "tasks": Task.objects.filter(client_id=pk),
        "messages": Notification.objects.filter(client_id=pk),
        "feedback": Feedback.objects.filter(client_id=pk),
        "survey_answers": SurveyResponse.objects.filter(client_id=pk),
        "programs": Program.objects.filter(client_id=pk),
        "program_items": ProgramItem.objects.filter(program__client_id=pk),
        "sessions": Session.objects.filter(item__program__client_id=pk),
        "recommendations": Recommendation.objects.filter(client_id=pk),
        "offers": Offer.objects.filter(client_id=pk),
        "sales": Sale.objects.filter(client_id=pk),
        "health_data_accesses": HealthDataAccess.objects.filter(client_id=pk),
    }


def client_data_export(*, client: Client, by) -> dict:
    """Everything the product holds about one client, as JSON-ready data: the profile with its
    health flags, each related table's rows, the change history of the profile, and who opened
    the health data when. Opening it is itself logged (it holds health data)."""
    profile = Client.objects.filter(pk=client.pk).values().get()
    profile["contraindications"] = list(client.contraindications.order_by("name").values_list("name", flat=True))
    profile["referred_by"] = str(client.referred_by) if client.referred_by_id else None
    profile["referrals"] = client.referrals.count()  # other people: how many, not who
    data = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "exported_by": by.get_username(),
        "client": profile,
        **{name: _rows(queryset) for name, queryset in _client_tables(client).items()},
        "profile_history": _rows(
            client.history.all(), "history_date", "history_type", "history_user__username",
            "first_name", "last_name", "phone", "email", "health_notes",
        ),
    }
    health_data_opened(user=by, clients=[client], place=HealthDataAccess.Place.EXPORT)
    return data


class ExportEncoder(DjangoJSONEncoder):
    """Dates, decimals and UUIDs as Django writes them; phone numbers in E.164."""

    def default(self, o):
        if hasattr(o, "as_e164"):
            return o.as_e164
        return super().default(o)


def client_data_export_json(*, client: Client, by) -> str:
    return json.dumps(client_data_export(client=client, by=by), cls=ExportEncoder, ensure_ascii=False, indent=2)


def client_erase(*, client: Client, by, reason: str) -> ClientErasure:
    """Erase a client's personal and health data on their request, irreversibly, in one
    transaction: the profile is anonymized (name, contacts, birth date, address, goals, health
    notes and flags, consents), measurements and messages are deleted, every free text about them
    (interactions, tasks, feedback, programs, recommendations, offers, sales notes, freezes) is
    replaced, card numbers are replaced, and the change history that held the old values is
    deleted. Amounts, dates, visits, ratings and statuses stay, so the sales ledger, the pay report
    and the statistics keep their sums. The erasure is recorded (who, when, why, what)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say how and when the client asked for the erasure.")})
    with transaction.atomic():
        client = Client.objects.select_for_update(of=("self",)).get(pk=client.pk)
        if client.erased_at is not None:
            raise ValidationError(_("This client's data were erased already."))
        today = timezone.localdate()
        if client.memberships.filter(status=Membership.Status.ACTIVE, end_date__gte=today).exists():
            raise ValidationError(_(
                "The client holds a membership that has not ended: cancel it (or wait for its end) "
                "first, so that the club stops sending reminders and offers about it."
            ))
        tables = _client_tables(client)
        # What staff were sent about the client (a complaint relayed, a digest line) names them.
        about = [
            (ContentType.objects.get_for_model(model), list(tables[name].values_list("pk", flat=True)))
            for name, model in (("feedback", Feedback), ("recommendations", Recommendation), ("tasks", Task))
        ]
        staff_messages = Notification.objects.none()
        for content_type, ids in about:
            staff_messages |= Notification.objects.filter(content_type=content_type, object_id__in=ids)
        names = [client.full_name, *tables["memberships"].values_list("card_number", flat=True)]
        summary = {
            "staff_messages": staff_messages.update(subject=ERASED, body=ERASED, body_html="", to_address=""),
            # The admin site's log names the objects it changed ("Marta Shevchenko", a card).
            "admin_log_entries": LogEntry.objects.filter(
                reduce(operator.or_, (Q(object_repr__contains=name) for name in names if name))
            ).update(object_repr=ERASED),
            "measurements": tables["measurements"].delete()[0],
            "messages": tables["messages"].delete()[0],
            "health_flags": client.contraindications.count(),
        }
        client.contraindications.clear()
        texts = [
            ("interactions", {"summary": ERASED, "outcome": ""}),
            ("tasks", {"title": ERASED, "description": ""}),
            ("feedback", {"text": ERASED, "staff_response": "", "resolution": ""}),
            ("survey_answers", {"comment": ""}),
            ("programs", {"goal": "", "notes": ""}),
            ("program_items", {"notes": "", "contraindication_override": ""}),
            ("sessions", {"notes": ""}),
            ("recommendations", {"reason": ERASED, "decision_reason": ""}),
            ("offers", {"outcome_reason": "", "policy_override_reason": ""}),
            ("sales", {"note": ""}),
            ("freezes", {"reason": ERASED}),
            ("visits", {"note": ""}),
            ("memberships", {"cancel_reason": "", "notes": ""}),
        ]
        for name, values in texts:
            summary[name] = tables[name].update(**values)
        # A card number names a person's card: replaced by one that names nobody (still unique).
        tables["memberships"].update(card_number=Concat(Value("ERASED-"), Cast("pk", CharField())))
        summary["history_rows"] = sum(
            manager.filter(**lookup).delete()[0]
            for manager, lookup in (
                (Client.history, {"id": client.pk}),
                (Membership.history, {"client_id": client.pk}),
                (Program.history, {"client_id": client.pk}),
                (Feedback.history, {"client_id": client.pk}),
                (Offer.history, {"client_id": client.pk}),
                (Sale.history, {"client_id": client.pk}),
            )
        )
        now = timezone.now()
        for field in ("middle_name", "phone", "email", "gender", "address", "goals", "needs",
                      "health_notes", "telegram_chat_id", "notes"):
            setattr(client, field, "")
        client.first_name = _("Erased client")
        client.last_name = f"#{client.pk}"
        client.birth_date = None
        client.consent_email = client.consent_sms = client.consent_telegram = client.consent_calls = False
        client.erased_at = now
        client._change_reason = "personal data erased on request"
        client.save()
        return ClientErasure.objects.create(
            client=client, erased_by=by, erased_at=now, reason=reason, summary=summary
        )
