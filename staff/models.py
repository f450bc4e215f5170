from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from clients.models import Client, Contraindication
from core.models import TimeStampedModel


class Department(TimeStampedModel):
    """A block of the club (Fitness, SPA, Cosmetology): its own turnover, costs and staff."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class Service(TimeStampedModel):
    """A training or procedure the club offers; the manager builds programs from these."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        PROCEDURE = "procedure", _("Procedure")

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TRAINING)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration, minutes"), validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    price = models.DecimalField(
        _("price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    description = models.TextField(_("description"), blank=True)
    benefits = models.TextField(_("benefits"), blank=True)
    drawbacks = models.TextField(_("drawbacks and limits"), blank=True)
    contraindications = models.ManyToManyField(
        Contraindication, verbose_name=_("contraindications"), blank=True, related_name="services"
    )
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["department__name", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [models.Index(fields=["department", "is_active"], name="service_department_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"],
                name="service_unique_name_per_department",
                violation_error_message=_("This department already has a service with this name."),
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="service_price_non_negative",
                violation_error_message=_("The price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=600),
                name="service_duration_range",
                violation_error_message=_("A service lasts between 5 and 600 minutes."),
            ),
        ]

    def __str__(self):
        return self.name


class StaffMember(TimeStampedModel):
    """Someone who works at the club, with or without a login."""

    class Role(models.TextChoices):
        MANAGER = "manager", _("Accompaniment manager")
        TRAINER = "trainer", _("Trainer")
        MASSAGE_THERAPIST = "massage", _("Massage therapist")
        COSMETOLOGIST = "cosmetologist", _("Cosmetologist")
        SPA_SPECIALIST = "spa", _("SPA specialist")
        DIRECTOR = "director", _("Director")
        ADMINISTRATOR = "administrator", _("Administrator")

    SPECIALIST_ROLES = (
        Role.TRAINER,
        Role.MASSAGE_THERAPIST,
        Role.COSMETOLOGIST,
        Role.SPA_SPECIALIST,
    )

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_member",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_members",
    )
    position = models.CharField(_("position"), max_length=120, blank=True)
    is_head_of_department = models.BooleanField(
        _("head of the block"),
        default=False,
        help_text=_("The accompaniment manager who heads the block and shares its profit."),
    )
    services = models.ManyToManyField(
        Service, verbose_name=_("services delivered"), blank=True, related_name="staff_members"
    )
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    is_active = models.BooleanField(_("works at the club"), default=True)
    bio = models.TextField(_("qualifications and specialities"), blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        indexes = [models.Index(fields=["department", "role"], name="staff_department_role_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(is_head_of_department=True),
                name="staff_one_head_per_department",
                violation_error_message=_("This department already has a head."),
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def clean(self):
        if self.is_head_of_department and not self.department_id:
            raise ValidationError(
                {"is_head_of_department": _("Choose the department this person heads.")}
            )


class PayRate(TimeStampedModel):
    """A staff member's pay from a date on; a month's pay uses the rate in force then."""

    staff_member = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="pay_rates",
    )
    effective_from = models.DateField(_("effective from"))
    monthly_salary = models.DecimalField(
        _("monthly salary"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    head_rate = models.DecimalField(
        _("head-of-block rate"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    profit_share_percent = models.DecimalField(
        _("share of block profit, %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["staff_member", "-effective_from"]
        verbose_name = _("pay rate")
        verbose_name_plural = _("pay rates")
        constraints = [
            models.UniqueConstraint(
                fields=["staff_member", "effective_from"],
                name="payrate_one_per_date",
                violation_error_message=_("This staff member already has a rate from this date."),
            ),
            models.CheckConstraint(
                condition=Q(monthly_salary__gte=0, head_rate__gte=0),
                name="payrate_money_non_negative",
                violation_error_message=_("Pay cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(profit_share_percent__gte=0, profit_share_percent__lte=100),
                name="payrate_percent_range",
                violation_error_message=_("The profit share is between 0 and 100 %%."),
            ),
        ]

    def __str__(self):
        return f"{self.staff_member} · {self.effective_from:%Y-%m-%d}"


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
        from .nps import category

        return category(self.score)


class Competency(models.TextChoices):
    """The six competencies assessed at hiring and probation, each with its own tool."""

    KNOWLEDGE = "knowledge", _("Knowledge and skills")
    COMMUNICATION = "communication", _("Communication")
    POSITIVITY = "positivity", _("Positivity")
    ORGANIZATION = "organization", _("Organization")
    STRESS_RESISTANCE = "stress", _("Stress resistance")
    RESPONSIBILITY = "responsibility", _("Responsibility")


class AssessmentTool(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    ROLE_PLAY = "role_play", _("Role-play")
    PROVOCATIVE_QUESTIONS = "provocative", _("Provocative questions")
    WORKING_DAY_PLAN = "day_plan", _("Plan-a-working-day exercise")
    STRESS_ROLE_PLAY = "stress_role_play", _("Stress role-play")
    CASE_INTERVIEW = "case_interview", _("Case interview")


# The tool the brief prescribes for each competency.
DEFAULT_TOOL = {
    Competency.KNOWLEDGE: AssessmentTool.INTERVIEW,
    Competency.COMMUNICATION: AssessmentTool.ROLE_PLAY,
    Competency.POSITIVITY: AssessmentTool.PROVOCATIVE_QUESTIONS,
    Competency.ORGANIZATION: AssessmentTool.WORKING_DAY_PLAN,
    Competency.STRESS_RESISTANCE: AssessmentTool.STRESS_ROLE_PLAY,
    Competency.RESPONSIBILITY: AssessmentTool.CASE_INTERVIEW,
}


class CompetencyAssessment(TimeStampedModel):
    """An assessment of a candidate or a staff member on probation or in periodic review."""

    class Occasion(models.TextChoices):
        HIRING = "hiring", _("Hiring (candidate)")
        PROBATION = "probation", _("Probation")
        REVIEW = "review", _("Periodic review")

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        HIRE = "hire", _("Hire")
        REJECT = "reject", _("Reject")
        CONFIRM = "confirm", _("Confirm in position")
        EXTEND = "extend", _("Extend probation")
        DEVELOP = "develop", _("Development plan")

    staff_member = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessments",
    )
    candidate_name = models.CharField(
        _("candidate"), max_length=150, blank=True, help_text=_("For a candidate not yet on staff.")
    )
    position = models.CharField(_("position"), max_length=120)
    occasion = models.CharField(
        _("occasion"), max_length=10, choices=Occasion.choices, default=Occasion.HIRING
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments_made",
    )
    assessed_on = models.DateField(_("date"), default=timezone.localdate)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("competency assessment")
        verbose_name_plural = _("competency assessments")
        indexes = [models.Index(fields=["position", "assessed_on"], name="assessment_position_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(staff_member__isnull=False) | ~Q(candidate_name=""),
                name="assessment_has_subject",
                violation_error_message=_("Choose a staff member or name the candidate."),
            ),
        ]

    def __str__(self):
        return f"{self.subject_name} · {self.position} · {self.assessed_on:%Y-%m-%d}"

    @property
    def subject_name(self) -> str:
        return self.staff_member.full_name if self.staff_member_id else self.candidate_name


class CompetencyScore(models.Model):
    """One competency of an assessment: the tool used, a score from 1 to 5, notes."""

    assessment = models.ForeignKey(
        CompetencyAssessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    competency = models.CharField(_("competency"), max_length=20, choices=Competency.choices)
    tool = models.CharField(_("tool"), max_length=20, choices=AssessmentTool.choices)
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["assessment", "competency"]
        verbose_name = _("competency score")
        verbose_name_plural = _("competency scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "competency"],
                name="score_one_per_competency",
                violation_error_message=_("This competency is already scored in this assessment."),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5),
                name="score_1_to_5",
                violation_error_message=_("The score is from 1 to 5."),
            ),
        ]

    def __str__(self):
        return f"{self.get_competency_display()}: {self.score}"
