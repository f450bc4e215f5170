"""Feedback loop pages, quality pages, staff member pages, assessments and the public survey."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.capabilities import (
    ACCOMPANY_CLIENTS,
    ASSESS_STAFF,
    DELIVER_SESSIONS,
    SEE_QUALITY,
    SEE_STAFF,
    WORK_WITH_CLIENTS,
    can,
    public,
    requires,
)
from clients.access import visible_client_or_404
from core.forms import apply_service_errors
from clients.languages import speak_the_clients_language
from clients.models import Client

from . import services
from .forms import AnswerForm, AssessmentForm, FeedbackForm, PeriodForm, RelayForm, ResolveForm, SurveyForm
from .models import CompetencyAssessment, CompetencyScore, Feedback, StaffMember
from .selectors import feedback_visible_to, service_quality, staff_quality


def _own_staff_member(user) -> StaffMember | None:
    return StaffMember.objects.filter(user=user).first() if user.is_authenticated else None


@requires(WORK_WITH_CLIENTS)
def feedback_create(request, client_pk):
    client = visible_client_or_404(request.user, client_pk)
    form = FeedbackForm(request.POST or None, initial={"kind": request.GET.get("kind", "complaint")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback = services.feedback_record(client=client, user=request.user, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, {
                Feedback.Kind.COMPLAINT: _("The complaint is recorded."),
                Feedback.Kind.THANKS: _("The thanks are recorded."),
                Feedback.Kind.SUGGESTION: _("The suggestion is recorded."),
            }.get(feedback.kind, _("Recorded.")))
            return redirect("staff:feedback", feedback.pk)
    return render(request, "staff/feedback_form.html", {"form": form, "client": client})


@requires(WORK_WITH_CLIENTS, DELIVER_SESSIONS)
def feedback_detail(request, pk):
    feedback = get_object_or_404(
        feedback_visible_to(request.user).select_related(
            "client", "staff_member", "service", "relayed_by", "resolved_by"
        ),
        pk=pk,
    )
    own = _own_staff_member(request.user)
    return render(
        request,
        "staff/feedback_detail.html",
        {
            "feedback": feedback,
            "can_answer": own is not None and feedback.staff_member_id == own.pk,
            "answer_form": AnswerForm(initial={"staff_response": feedback.staff_response}),
            "relay_form": RelayForm(),
            "resolve_form": ResolveForm(),
            "overdue_since": services.complaints_overdue_since(),
            "overdue_hours": settings.COMPLAINT_OVERDUE_HOURS,
        },
    )


def _manager_feedback_or_404(user, pk) -> Feedback:
    return get_object_or_404(feedback_visible_to(user), pk=pk)


@require_POST
@requires(ACCOMPANY_CLIENTS)
def feedback_relay(request, pk):
    feedback = _manager_feedback_or_404(request.user, pk)
    form = RelayForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["note"]))
        return redirect("staff:feedback", pk)
    try:
        services.feedback_relay(feedback=feedback, user=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Relayed to %(name)s.") % {"name": feedback.staff_member})
    return redirect("staff:feedback", pk)


@requires(ACCOMPANY_CLIENTS)
def feedback_resolve(request, pk):
    feedback = _manager_feedback_or_404(request.user, pk)
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_resolve(feedback=feedback, resolution=form.cleaned_data["resolution"], user=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Complaint resolved."))
            return redirect("staff:feedback", pk)
    return render(request, "staff/feedback_resolve.html", {"feedback": feedback, "form": form})


@requires(DELIVER_SESSIONS)
def feedback_answer(request, pk):
    own = _own_staff_member(request.user)
    feedback = get_object_or_404(feedback_visible_to(request.user), pk=pk)
    if own is None or feedback.staff_member_id != own.pk:
        raise PermissionDenied
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_answer(feedback=feedback, staff_member=own, text=form.cleaned_data["staff_response"])
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Your answer is saved."))
            return redirect("staff:feedback", pk)
    return render(request, "staff/feedback_resolve.html", {"feedback": feedback, "form": form, "answer": True})


@requires(DELIVER_SESSIONS)
def my_feedback(request):
    own = _own_staff_member(request.user)
    if own is None:
        raise PermissionDenied
    feedback = feedback_visible_to(request.user).filter(staff_member=own).select_related("client", "service")
    return render(request, "staff/my_feedback.html", {"feedback": list(feedback[:100]), "member": own})


@requires(SEE_QUALITY)
def quality(request):
    """Staff and service quality over a period; a specialist sees only their own line."""
    user = request.user
    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    start, end, sort = today.replace(day=1), today, "complaints"
    if form.is_bound and form.is_valid():
        start, end, sort = form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["sort"] or sort
    elif form.is_bound:
        pass  # errors are shown next to the fields; the default period is used meanwhile
    staff_filter = None if can(user, SEE_STAFF) else Q(user=user)
    rows = staff_quality(start=start, end=end, staff_filter=staff_filter)
    most_first = sort in ("complaints", "thanks")  # rating and NPS: the weakest first
    rows.sort(key=lambda r: (r[sort] is None, -(r[sort] or 0) if most_first else (r[sort] or 0)))
    return render(
        request,
        "staff/quality.html",
        {
            "form": form, "rows": rows, "start": start, "end": end,
            "services": service_quality(start=start, end=end) if staff_filter is None else [],
        },
    )


@requires(ASSESS_STAFF)
def assessment_create(request):
    form = AssessmentForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_record(
                assessment=form.save(commit=False), scores=form.scores(), user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Assessment saved."))
            return redirect(f"{_compare_url()}?position={assessment.position}")
    return render(request, "staff/assessment_form.html", {"form": form})


def _compare_url():
    from django.urls import reverse

    return reverse("staff:assessment-compare")


@requires(ASSESS_STAFF)
def assessment_compare(request):
    """Candidates (and staff) assessed for the same position, side by side."""
    positions = list(
        CompetencyAssessment.objects.order_by("position").values_list("position", flat=True).distinct()
    )
    position = request.GET.get("position")
    if position not in positions:  # nothing chosen, or a position nobody was assessed for
        position = positions[0] if positions else ""
    assessments = list(
        CompetencyAssessment.objects.filter(position=position)
        .select_related("staff_member", "assessor")
        .prefetch_related(Prefetch("scores", queryset=CompetencyScore.objects.order_by("competency")))
        .order_by("-assessed_on")[:12]
    )
    from .models import Competency

    table = [
        {
            "competency": competency.label,
            "scores": [next((s.score for s in a.scores.all() if s.competency == competency), None) for a in assessments],
        }
        for competency in Competency
    ]
    for a in assessments:
        values = [s.score for s in a.scores.all()]
        a.total = sum(values)
    return render(
        request,
        "staff/assessment_compare.html",
        {
            "positions": positions, "position": position, "assessments": assessments, "table": table,
            "chart": {
                "labels": [str(c.label) for c in Competency],
                "series": [{"label": a.subject_name, "values": [row["scores"][i] for row in table]} for i, a in enumerate(assessments)],
            },
        },
    )


@public
def survey(request, token):
    """The public NPS page behind a signed, expiring, single-use link (no login), in the language
    of the client it was sent to — also when it says the link was used or is too old."""
    client_id = services.survey_link_client_id(token)
    if client_id is not None:
        speak_the_clients_language(request, Client.objects.filter(pk=client_id).values_list("language", flat=True).first())
    try:
        services.survey_read(token)
    except services.SurveyLinkError as error:
        return render(request, "staff/survey.html", {"problem": error.reason}, status=410 if error.reason != "tampered" else 400)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(token=token, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"])
        except services.SurveyLinkError as error:
            return render(request, "staff/survey.html", {"problem": error.reason}, status=410)
        return render(request, "staff/survey.html", {"thanks": True})
    return render(request, "staff/survey.html", {"form": form})

