"""The feedback loop (record → relay → answer → resolve) and quality surveys."""

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.messaging.outbox import message_for_client, message_for_user, outbox_write
from clients.models import Client, Notification

from . import vocabulary
from .models import Feedback, Service, StaffMember, SurveyResponse
from .nps import is_detractor


@transaction.atomic
def feedback_record(
    *,
    client: Client,
    kind: str,
    text: str,
    user,
    staff_member: StaffMember | None = None,
    service: Service | None = None,
    rating: int | None = None,
    channel: str = Feedback.Channel.IN_PERSON,
    received_at: datetime.datetime | None = None,
) -> Feedback:
    feedback = Feedback(
        client=client, kind=kind, text=text, staff_member=staff_member, service=service,
        rating=rating, channel=channel, received_at=received_at or timezone.now(), created_by=user,
    )
    feedback.full_clean()
    feedback.save()
    return feedback


@transaction.atomic
def feedback_relay(*, feedback: Feedback, user, note: str = "") -> Feedback:
    """Pass the feedback on to the staff member concerned, with the manager's ``note`` (what
    they ask of them); they are told by e-mail, note included."""
    feedback = Feedback.objects.select_for_update(of=("self",)).select_related(
        "staff_member__user", "client", "service"
    ).get(pk=feedback.pk)
    if feedback.status != Feedback.Status.NEW:
        raise ValidationError(_("This feedback has already been relayed."))
    if feedback.staff_member is None:
        raise ValidationError(_("Name the staff member to relay it to first."))
    feedback.status = Feedback.Status.RELAYED
    feedback.relayed_at = timezone.now()
    feedback.relayed_by = user
    feedback.relay_note = (note or "").strip()
    feedback.full_clean()
    feedback.save(update_fields=["status", "relayed_at", "relayed_by", "relay_note", "updated_at"])
    staff_user = feedback.staff_member.user
    if staff_user is not None:
        outbox_write([
            message_for_user(
                user=staff_user,
                kind=vocabulary.FEEDBACK_RELAYED,
                dedup_key=f"feedback-relayed:{feedback.pk}",
                template="feedback_relayed",
                context={"feedback": feedback},
                related=feedback,
            )
        ])
        _deliver_soon()
    return feedback


def feedback_answer(*, feedback: Feedback, staff_member: StaffMember, text: str) -> Feedback:
    """The staff member concerned answers relayed feedback."""
    if feedback.staff_member_id != staff_member.pk or feedback.status == Feedback.Status.NEW:
        raise ValidationError(_("You can answer only feedback relayed to you."))
    if not text or not text.strip():
        raise ValidationError({"staff_response": _("Write your answer.")})
    feedback.staff_response = text.strip()
    feedback.responded_at = timezone.now()
    feedback.save(update_fields=["staff_response", "responded_at", "updated_at"])
    return feedback


@transaction.atomic
def feedback_resolve(*, feedback: Feedback, resolution: str, user) -> Feedback:
    """Close a complaint with its resolution; the client is told if they consented."""
    feedback = Feedback.objects.select_for_update(of=("self",)).select_related("client").get(pk=feedback.pk)
    if feedback.kind != Feedback.Kind.COMPLAINT:
        raise ValidationError(_("Only complaints are resolved; thanks and suggestions are relayed."))
    if feedback.status == Feedback.Status.RESOLVED:
        raise ValidationError(_("This complaint is already resolved."))
    if not resolution or not resolution.strip():
        raise ValidationError({"resolution": _("Describe how the complaint was resolved.")})
    feedback.status = Feedback.Status.RESOLVED
    feedback.resolution = resolution.strip()
    feedback.resolved_at = timezone.now()
    feedback.resolved_by = user
    feedback.full_clean()
    feedback.save(update_fields=["status", "resolution", "resolved_at", "resolved_by", "updated_at"])
    outbox_write([
        message_for_client(
            client=feedback.client,
            kind=vocabulary.FEEDBACK_RESOLVED,
            dedup_key=f"feedback-resolved:{feedback.pk}",
            template="feedback_resolved",
            context={"feedback": feedback},
            related=feedback,
        )
    ])
    _deliver_soon()
    return feedback


def complaints_overdue_since(now: datetime.datetime | None = None) -> datetime.datetime:
    """Complaints received before this moment and still open are overdue."""
    return (now or timezone.now()) - datetime.timedelta(hours=settings.COMPLAINT_OVERDUE_HOURS)


def _deliver_soon():
    from clients.tasks import deliver_outbox

    transaction.on_commit(deliver_outbox.delay)


# --- Quality surveys ------------------------------------------------------------------------
SURVEY_SALT = "staff.survey"


def survey_token(*, client_id: int, staff_member_id=None, service_id=None) -> str:
    payload = {"c": client_id, "n": secrets.token_hex(8)}
    if staff_member_id:
        payload["s"] = staff_member_id
    if service_id:
        payload["v"] = service_id
    return signing.dumps(payload, salt=SURVEY_SALT, compress=True)


class SurveyLinkError(Exception):
    """Why a survey link cannot be used: ``reason`` is tampered, expired or used."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def survey_read(token: str) -> dict:
    try:
        payload = signing.loads(
            token, salt=SURVEY_SALT, max_age=datetime.timedelta(days=settings.SURVEY_LINK_DAYS)
        )
    except signing.SignatureExpired:
        raise SurveyLinkError("expired") from None
    except signing.BadSignature:
        raise SurveyLinkError("tampered") from None
    if not _is_survey_payload(payload):
        raise SurveyLinkError("tampered")
    if SurveyResponse.objects.filter(token_id=payload["n"]).exists():
        raise SurveyLinkError("used")
    if not Client.objects.filter(pk=payload["c"]).exists():
        raise SurveyLinkError("tampered")
    return payload


def survey_link_client_id(token: str) -> int | None:
    """The client a survey link was sent to, also once it is used or expired (its page then
    speaks their language); None for a link that was not signed by the club."""
    try:
        payload = signing.loads(token, salt=SURVEY_SALT)
    except signing.BadSignature:
        return None
    return payload["c"] if _is_survey_payload(payload) else None


def _is_survey_payload(payload) -> bool:
    """Ids where ids belong and a link id that fits its column: what ``survey_token`` signs."""
    return (
        isinstance(payload, dict)
        and {"c", "n"} <= set(payload)
        and all(isinstance(payload.get(key, 0), int) for key in ("c", "s", "v"))
        and isinstance(payload["n"], str)
        and len(payload["n"]) <= SurveyResponse._meta.get_field("token_id").max_length
    )


def _still_there(model, pk: int | None) -> int | None:
    """``pk`` while that row exists: a staff member may leave, or a service close, between the
    link being sent and the client answering; the answer is kept without them."""
    return pk if pk is not None and model.objects.filter(pk=pk).exists() else None


@transaction.atomic
def survey_answer(*, token: str, score: int, comment: str = "") -> SurveyResponse:
    """Store the answer of a survey link once; a detractor's score (0–6, ``staff.nps``) becomes
    a complaint for the client's manager."""
    payload = survey_read(token)
    if score is None or not 0 <= int(score) <= 10:
        raise ValidationError({"score": _("Choose a score from 0 to 10.")})
    response = SurveyResponse(
        client_id=payload["c"],
        staff_member_id=_still_there(StaffMember, payload.get("s")),
        service_id=_still_there(Service, payload.get("v")),
        score=int(score), comment=comment.strip(), token_id=payload["n"],
    )
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        raise SurveyLinkError("used") from None
    complaint = detractor_complaint(response)
    if complaint is not None:
        complaint.save()
    return response


def detractor_complaint(response: SurveyResponse) -> Feedback | None:
    """The complaint a detractor's survey answer (0–6, ``staff.nps``) becomes, for the client's
    manager, received when the answer was given (not saved: ``survey_answer`` saves it, a bulk
    writer such as the demo club writes the same rows); None for any other score."""
    if not is_detractor(response.score):
        return None
    return Feedback(
        client_id=response.client_id,
        staff_member_id=response.staff_member_id,
        service_id=response.service_id,
        kind=Feedback.Kind.COMPLAINT,
        channel=Feedback.Channel.SURVEY,
        text=_("Survey answer %(score)d of 10: %(comment)s")
        % {"score": response.score, "comment": response.comment or "—"},
        received_at=response.answered_at,
    )


def survey_message(*, client: Client, dedup_key: str, staff_member=None, service=None) -> Notification:
    from django.urls import reverse

    token = survey_token(
        client_id=client.pk,
        staff_member_id=staff_member.pk if staff_member else None,
        service_id=service.pk if service else None,
    )
    return message_for_client(
        client=client,
        kind=vocabulary.SURVEY,
        dedup_key=dedup_key,
        template="survey",
        context={"days": settings.SURVEY_LINK_DAYS},
        # rendered once per language for all the clients asked, their own values put in
        personal={"survey_url": settings.SITE_URL + reverse("survey", args=[token])},
        client_fields=("first_name",),
    )


def survey_after_session(*, client: Client, staff_member=None, service=None, on=None) -> int:
    """Ask for an NPS answer after a session, at most once per client per
    SURVEY_MIN_DAYS_BETWEEN days (only clients who consented to a channel are asked)."""
    on = on or timezone.localdate()
    since = timezone.now() - datetime.timedelta(days=settings.SURVEY_MIN_DAYS_BETWEEN)
    if Notification.objects.filter(client=client, kind=vocabulary.SURVEY, created_at__gte=since).exists():
        return 0
    return outbox_write([
        survey_message(client=client, staff_member=staff_member, service=service,
                       dedup_key=f"survey:{client.pk}:{on}")
    ])


@transaction.atomic
def assessment_record(*, assessment, scores: list[dict], user):
    """Save an assessment with its six competency scores, all or nothing."""
    from .models import CompetencyScore

    assessment.assessor = assessment.assessor or user
    assessment.created_by = user
    assessment.full_clean()
    assessment.save()
    for score in scores:
        row = CompetencyScore(assessment=assessment, **score)
        row.full_clean()
        row.save()
    return assessment
