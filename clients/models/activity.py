from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from .client import Client
from .membership import Membership


class VisitQuerySet(models.QuerySet):
    def attended(self):
        """Visits the client came to (not a late cancel or a no-show that used up a visit)."""
        return self.filter(kind=Visit.Kind.ATTENDED)


class Visit(TimeStampedModel):
    """A check-in at the front desk, counted against a membership when one applies. A late cancel
    or a no-show that uses up a visit by the plan's rule (``programs.scheduling.attendance``) is
    a visit row too, of its ``kind``: it counts against the card, never as the client coming
    (the rollups ``DailyVisits`` and ``ClientLastVisit``, the lapsed and at-risk rules, the desk)."""

    class Kind(models.TextChoices):
        ATTENDED = "attended", _("Came")
        LATE_CANCEL = "late_cancel", _("Late cancel")
        NO_SHOW = "no_show", _("No-show")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="visits"
    )
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
    )
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ATTENDED)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_in_at", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(fields=["client", "checked_in_at"], name="visit_client_time_idx"),
            # Time first, then who and which card: "who came since …" and "visits counted
            # against a card in a period" are answered from the index alone (PostgreSQL).
            models.Index(fields=["checked_in_at", "client", "membership"], name="visit_time_client_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_out_at__gte=F("checked_in_at")),
                name="visit_checkout_after_checkin",
                violation_error_message=_("Check-out cannot be before check-in."),
            ),
        ]

    def __str__(self):
        return f"{self.client} · {timezone.localtime(self.checked_in_at):%Y-%m-%d %H:%M}"


# Where a conversation's message was written: the bot's chat, or the client's personal page.
CONVERSATION_CHANNELS = [("telegram", _("Telegram")), ("page", _("Personal page"))]


class Interaction(TimeStampedModel):
    """A contact between the manager and the client: the timeline of the relationship."""

    class Kind(models.TextChoices):
        INTRO_VISIT = "intro_visit", _("Intro visit")
        CONSULTATION = "consultation", _("Consultation")
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        MESSAGE = "message", _("Message")
        OTHER = "other", _("Other")

    class Direction(models.TextChoices):
        OUTBOUND = "out", _("Manager to client")
        INBOUND = "in", _("Client to manager")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="interactions"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CALL)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.OUTBOUND
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    summary = models.TextField(_("summary"))
    outcome = models.TextField(_("outcome"), blank=True)
    # The conversation: what the client wrote (Telegram, the personal page) and the answers.
    channel = models.CharField(_("written through"), max_length=10, choices=CONVERSATION_CHANNELS, blank=True)
    attachments = models.TextField(_("attachments"), blank=True, help_text=_("Names of the files sent, one a line."))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    notification = models.ForeignKey(
        "clients.Notification", verbose_name=_("message sent"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [
            models.Index(fields=["client", "occurred_at"], name="interaction_client_time_idx"),
            models.Index(fields=["kind", "client"], name="interaction_kind_client_idx"),
            # The messages waiting for an answer (``clients.selectors.waiting_messages``) and only
            # them: a few rows among every call and visit logged, found without reading the others.
            models.Index(
                fields=["occurred_at", "client"], name="interaction_waiting_idx",
                condition=Q(direction="in", answered_at__isnull=True) & ~Q(channel=""),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(summary=""),
                name="interaction_summary_required",
                violation_error_message=_("Describe the interaction."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.client}"


class Task(TimeStampedModel):
    """A follow-up for a manager: call about renewal, onboarding touchpoint, anything due."""

    class Kind(models.TextChoices):
        FOLLOW_UP = "follow_up", _("Follow-up")
        RENEWAL_CALL = "renewal_call", _("Call about renewal")
        ONBOARDING = "onboarding", _("Onboarding touchpoint")
        LAPSED = "lapsed", _("Lapsed client")
        FEEDBACK = "feedback", _("Feedback")
        FREEZE_REQUEST = "freeze_request", _("Freeze request")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    interaction = models.ForeignKey(
        Interaction,
        verbose_name=_("from interaction"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FOLLOW_UP)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due date"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    dedup_key = models.CharField(
        _("deduplication key"),
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Set by automatic tasks so that a sweep never creates the same task twice."),
    )

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["assigned_to", "status", "due_date"], name="task_agenda_idx"),
            models.Index(fields=["client", "status"], name="task_client_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title=""),
                name="task_title_required",
                violation_error_message=_("A task needs a title."),
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_at__isnull=False),
                name="task_done_has_completion_time",
                violation_error_message=_("A done task needs the time it was completed."),
            ),
        ]

    def __str__(self):
        return self.title

    def is_overdue(self, on=None) -> bool:
        return self.status == self.Status.OPEN and self.due_date < (on or timezone.localdate())
