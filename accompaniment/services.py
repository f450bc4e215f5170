"""A client's data requests, across every app: export everything held about them, or erase it.

Both span all four apps, so they live here, in the package that composes them. Each reads or
writes a fixed number of queries (one per table), whatever the client's history.
"""

from __future__ import annotations

import json

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from clients import rules as membership_rules
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
from clients import health_data
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
    health flags, each related table's rows, what staff were sent about them, every saved
    version of the profile (with its flags) and of their memberships, programs, feedback, offers
    and sales, and who opened the health data when. Other people appear only as ids or counts
    (who referred them, whom they referred). Read in one transaction, so the tables agree; the
    export is itself logged as a look at health data."""
    with transaction.atomic():
        profile = Client.objects.filter(pk=client.pk).values().get()
        profile["contraindications"] = list(
            client.contraindications.order_by("name").values_list("name", flat=True)
        )
        profile["referrals"] = client.referrals.count()
        tables = _client_tables(client)
        versions = {
            "profile": client.history.all(),
            "memberships": Membership.history.filter(client_id=client.pk),
            "programs": Program.history.filter(client_id=client.pk),
            "feedback": Feedback.history.filter(client_id=client.pk),
            "offers": Offer.history.filter(client_id=client.pk),
            "sales": Sale.history.filter(client_id=client.pk),
        }
        flags = {}
        for version_id, name in _flag_history().filter(client_id=client.pk).values_list(
            "history_id", "contraindication__name"
        ):
            flags.setdefault(version_id, []).append(name)
        history = {name: _rows(queryset.order_by("history_date", "history_id")) for name, queryset in versions.items()}
        for version in history["profile"]:
            version["contraindications"] = sorted(flags.get(version["history_id"], []))
        data = {
            "format": EXPORT_FORMAT,
            "exported_at": timezone.now(),
            "exported_by": by.get_username(),
            "client": profile,
            **{name: _rows(queryset) for name, queryset in tables.items()},
            "messages_to_staff_about_them": _rows(
                _staff_messages_about(client, tables, set()),
                "created_at", "kind", "channel", "subject", "body", "status",
            ),
            "history": history,
        }
        health_data_opened(user=by, clients=[client], place=health_data.DATA_EXPORT)
    return data


class ExportEncoder(DjangoJSONEncoder):
    """Dates, decimals and UUIDs as Django writes them; phone numbers in E.164."""

    def default(self, o):
        if hasattr(o, "as_e164"):
            return o.as_e164
        return super().default(o)


def client_data_export_json(*, client: Client, by) -> str:
    return json.dumps(client_data_export(client=client, by=by), cls=ExportEncoder, ensure_ascii=False, indent=2)


def _flag_history():
    """The history of a client's health flags (django-simple-history's table for the m2m)."""
    from django.apps import apps

    return apps.get_model("clients", "HistoricalClient_contraindications").objects


def _related_ids(tables: dict) -> list[tuple[ContentType, list[int]]]:
    """(content type, ids) of every row about the client that other tables may point at."""
    models = {
        "memberships": Membership, "freezes": Freeze, "visits": Visit, "interactions": Interaction,
        "tasks": Task, "measurements": Measurement, "feedback": Feedback, "survey_answers": SurveyResponse,
        "programs": Program, "program_items": ProgramItem, "sessions": Session,
        "recommendations": Recommendation, "offers": Offer, "sales": Sale, "messages": Notification,
    }
    return [
        (ContentType.objects.get_for_model(model), list(tables[name].values_list("pk", flat=True)))
        for name, model in models.items()
    ]


def _staff_messages_about(client: Client, tables: dict, names: set[str]) -> QuerySet:
    """What staff were sent about the client: a complaint relayed to a specialist (its related
    row is the client's feedback), and any staff message (a manager's digest) naming them."""
    query = Q(pk__in=[])
    for content_type, ids in _related_ids(tables):
        query |= Q(content_type=content_type, object_id__in=ids)
    feedback_ids = list(tables["feedback"].values_list("pk", flat=True))
    query |= Q(dedup_key__in=[f"feedback-relayed:{pk}" for pk in feedback_ids])
    for name in names:
        query |= Q(body__contains=name) | Q(subject__contains=name)
    return Notification.objects.filter(client__isnull=True).filter(query)


def _admin_log_about(client: Client, tables: dict) -> QuerySet:
    """The admin site's log entries about the client and every row about them (their
    ``object_repr`` and ``change_message`` name them, their cards, their programs)."""
    query = Q(content_type=ContentType.objects.get_for_model(Client), object_id=str(client.pk))
    for content_type, ids in _related_ids(tables):
        if ids:
            query |= Q(content_type=content_type, object_id__in=[str(pk) for pk in ids])
    return LogEntry.objects.filter(query)


def _telegram_updates_of(client):
    """The Bot API's updates from the client's chat (they hold what the client wrote)."""
    from clients.models import TelegramUpdate

    if not client.telegram_chat_id.lstrip("-").isdigit():
        return TelegramUpdate.objects.none()
    chat = int(client.telegram_chat_id)
    return TelegramUpdate.objects.filter(
        Q(payload__message__chat__id=chat) | Q(payload__edited_message__chat__id=chat)
        | Q(payload__callback_query__message__chat__id=chat))


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
        if client.memberships.filter(membership_rules.not_over_q(today)).exists():
            raise ValidationError(_(
                "The client holds a membership that has not ended: cancel it (or wait for its end) "
                "first, so that the club stops sending reminders and offers about it."
            ))
        tables = _client_tables(client)
        # Every name the client has had (the history keeps the old ones), before it is deleted.
        names = {
            " ".join(part for part in (first, last) if part)
            for first, last in [(client.first_name, client.last_name),
                                *client.history.values_list("first_name", "last_name")]
            if first and last  # a first name alone ("Anna") would match other people
        }
        summary = {
            "staff_messages": _staff_messages_about(client, tables, names).update(
                subject=ERASED, body=ERASED, body_html="", to_address=""
            ),
            "admin_log_entries": _admin_log_about(client, tables).update(object_repr=ERASED, change_message=""),
            "measurements": tables["measurements"].delete()[0],
            "messages": tables["messages"].delete()[0],
            "health_flags": client.contraindications.count(),
        }
        client.contraindications.clear()
        texts = [
            ("interactions", {"summary": ERASED, "outcome": "", "attachments": ""}),
            ("tasks", {"title": ERASED, "description": ""}),
            ("feedback", {"text": ERASED, "staff_response": "", "resolution": ""}),
            ("survey_answers", {"comment": ""}),
            ("programs", {"name": ERASED, "goal": "", "notes": ""}),
            ("program_items", {"notes": "", "contraindication_override": ""}),
            ("sessions", {"notes": ""}),
            ("recommendations", {"reason": ERASED, "decision_reason": ""}),
            ("offers", {"outcome_reason": "", "policy_override_reason": "", "contraindication_reason": ""}),
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
                # the health flags each old version held (not deleted with it: no cascade)
                (_flag_history(), {"client_id": client.pk}),
                (Client.history, {"id": client.pk}),
                (Membership.history, {"client_id": client.pk}),
                (Program.history, {"client_id": client.pk}),
                (Feedback.history, {"client_id": client.pk}),
                (Offer.history, {"client_id": client.pk}),
                (Sale.history, {"client_id": client.pk}),
            )
        )
        summary["links"] = client.links.all().delete()[0]
        summary["telegram_updates"] = _telegram_updates_of(client).delete()[0]
        now = timezone.now()
        for field in ("middle_name", "phone", "email", "gender", "address", "goals", "needs",
                      "health_notes", "telegram_chat_id", "notes"):
            setattr(client, field, "")
        client.first_name = _("Erased client")
        client.last_name = f"#{client.pk}"
        client.birth_date = None
        client.consent_email = client.consent_sms = client.consent_telegram = client.consent_calls = False
        client.service_email = client.service_sms = client.service_telegram = False
        client.telegram_unreachable_at = None
        client.erased_at = now
        client._change_reason = "personal data erased on request"
        client.save()
        return ClientErasure.objects.create(
            client=client, erased_by=by, erased_at=now, reason=reason, summary=summary
        )
