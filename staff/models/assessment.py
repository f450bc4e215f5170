"""Competency assessments of candidates and staff: six competencies, each with its tool."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from .people import StaffMember


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
