"""What clients say about the staff and the services: feedback (complaints, thanks,
suggestions) and the answers to quality surveys (NPS)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clients.models import Client
from core.models import TimeStampedModel

from .catalog import Service
from .people import StaffMember


class Feedback(TimeStampedModel):
    """What a client said about a staff member or a service: complaint, thanks or suggestion."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        THANKS = "thanks", _("Thanks")
        SUGGESTION = "suggestion", _("Suggestion")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        RELAYED = "relayed", _("Relayed to staff")
        RESOLVED = "resolved", _("Resolved")

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone")
        MESSAGE = "message", _("Message")
        SURVEY = "survey", _("Survey")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="feedback"
    )
    staff_member = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("From 1 (very bad) to 5 (excellent)."),
    )
    text = models.TextField(_("what the client said"))
    channel = models.CharField(
        _("channel"), max_length=12, choices=Channel.choices, default=Channel.IN_PERSON
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    relayed_at = models.DateTimeField(_("relayed at"), null=True, blank=True)
    relayed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("relayed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    relay_note = models.TextField(
        _("note for the staff member"), blank=True,
        help_text=_("What the manager asks of the staff member when relaying it."),
    )
    staff_response = models.TextField(_("staff member's answer"), blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Who changed what and when (django-simple-history); the director reads it from the card.
    history = HistoricalRecords(excluded_fields=["updated_at"], verbose_name=_("historical feedback"))

    @property
    def is_answered(self) -> bool:
        """Relayed, and the staff member concerned has answered (not resolved yet)."""
        return self.status == self.Status.RELAYED and self.responded_at is not None

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            models.Index(fields=["status", "received_at"], name="feedback_status_idx"),
            models.Index(fields=["staff_member", "received_at"], name="feedback_staff_idx"),
            models.Index(fields=["client", "received_at"], name="feedback_client_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_to_5",
                violation_error_message=_("The rating is from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(staff_member__isnull=False)
                | Q(service__isnull=False)
                | Q(channel="survey"),
                name="feedback_about_staff_or_service",
                violation_error_message=_("Say which staff member or service this is about."),
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="feedback_text_required",
                violation_error_message=_("Write down what the client said."),
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(kind="complaint"),
                name="feedback_only_complaints_resolved",
                violation_error_message=_("Only complaints are resolved; thanks are relayed."),
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | (~Q(resolution="") & Q(resolved_at__isnull=False)),
                name="feedback_resolved_has_resolution",
                violation_error_message=_("A resolved complaint needs its resolution."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.client}"


class SurveyResponse(TimeStampedModel):
    """A client's answer to "How likely are you to recommend the club?" (NPS, 0-10)."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="survey_responses"
    )
    staff_member = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member who served"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)
    token_id = models.CharField(
        _("survey link id"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("The single-use link this answer came through."),
    )

    class Meta:
        ordering = ["-answered_at", "-id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [models.Index(fields=["answered_at"], name="survey_answered_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=10),
                name="survey_score_0_to_10",
                violation_error_message=_("The score is from 0 to 10."),
            ),
        ]

    def __str__(self):
        return f"{self.client} · {self.score}"

    @property
    def category(self) -> str:
        """NPS category (``staff.nps.category``): promoter, passive or detractor."""
        from ..nps import category

        return category(self.score)
