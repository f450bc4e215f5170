"""What the demo clients say: feedback about the staff and the club, and quality-survey answers,
each carried through the feedback loop as the pages carry it (relayed only to a staff member,
resolved only if a complaint); a detractor's answer becomes a complaint as ``survey_answer``
makes it (``staff.services.detractor_complaint``)."""

import datetime

from django.utils import timezone, translation

from clients.models import Task
from staff.models import Feedback, SurveyResponse
from staff.services import detractor_complaint

from . import people
from .rows import weighted

# What happens to feedback after it is received, by kind: (status, weight).
LIFECYCLES = {
    Feedback.Kind.COMPLAINT: (("new", 30), ("relayed", 30), ("resolved", 40)),
    Feedback.Kind.THANKS: (("new", 30), ("relayed", 70)),
    Feedback.Kind.SUGGESTION: (("new", 50), ("relayed", 50)),
}


def carry_through(history, row: Feedback, manager) -> Feedback:
    """The manager's handling of ``row`` since it was received, by the feedback loop's rules
    (``staff.services``): relayed only when it names a staff member (``feedback_relay``), who may
    answer (``feedback_answer``); only a complaint is resolved, with its resolution
    (``feedback_resolve``). Never later than now."""
    rng, now = history.rng, history.now
    status = weighted(rng, LIFECYCLES[row.kind])
    if status in ("relayed", "resolved") and row.staff_member_id is not None:
        row.status = Feedback.Status.RELAYED
        row.relayed_at = min(row.received_at + datetime.timedelta(hours=rng.randint(1, 20)), now)
        row.relayed_by = manager
        if rng.random() < 0.5:
            row.staff_response = rng.choice(people.STAFF_RESPONSES)
            row.responded_at = min(row.relayed_at + datetime.timedelta(hours=rng.randint(1, 24)), now)
    if status == "resolved" and row.kind == Feedback.Kind.COMPLAINT:
        row.status = Feedback.Status.RESOLVED
        row.resolution = rng.choice(people.RESOLUTIONS)
        since = row.relayed_at or row.received_at
        row.resolved_at = min(since + datetime.timedelta(hours=rng.randint(2, 40)), now)
        row.resolved_by = manager
    row.manager = manager
    return row


def write_feedback_and_surveys(history, lives):
    rng, now = history.rng, history.now
    members = [life for life in lives if life.cards and life.cards[0].start <= history.today]
    if not members:
        return
    trainer_services = [s for s in history.services
                        if history.club.trainer_member in history.club.deliverers.get(s.pk, ())]
    feedback = []
    for life in rng.sample(members, min(len(members), min(max(len(lives) // 16, 10), 600))):
        kind = weighted(rng, (("complaint", 25), ("thanks", 55), ("suggestion", 20)))
        tenure_hours = max((history.today - life.joined).days, 1) * 24
        if history.club.trainer_member and rng.random() < 0.2 and trainer_services:
            member, service = history.club.trainer_member, rng.choice(trainer_services)
        else:
            member = rng.choice(history.specialists)
            delivered = [s for s in history.services if member in history.club.deliverers.get(s.pk, ())]
            service = rng.choice(delivered) if delivered and rng.random() < 0.6 else None
        channel = weighted(rng, (("in_person", 45), ("phone", 20), ("message", 25), ("survey", 10)))
        if kind == "suggestion" and rng.random() < 0.5:
            member, service, channel = None, None, Feedback.Channel.SURVEY  # about the club
        received = now - datetime.timedelta(hours=rng.randint(3, max(min(tenure_hours, 24 * 60), 3)))
        texts = people.FEEDBACK_TEXTS[kind]
        block = next((code for code, d in history.club.departments.items()
                      if member and d.pk == member.department_id), None)
        feedback.append(carry_through(history, Feedback(
            client_id=life.client.pk, staff_member=member, service=service, kind=kind, channel=channel,
            rating={"complaint": rng.randint(1, 3), "thanks": 5}.get(kind, rng.choice((3, 4, None))),
            text=rng.choice(texts.get(block, []) + texts["any"]), received_at=received,
            created_by=life.manager,
        ), life.manager))

    surveys = []
    for life in rng.sample(members, min(len(members), min(max(len(lives) // 5, 10), 3000))):
        score = weighted(rng, ((10, 34), (9, 24), (8, 14), (7, 10), (6, 6), (5, 5), (3, 4), (1, 3)))
        category = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
        tenure = max((history.today - life.joined).days, 1)
        member = rng.choice(history.specialists) if rng.random() < 0.5 else None
        surveys.append(SurveyResponse(
            client_id=life.client.pk, staff_member=member, score=score,
            comment=rng.choice(people.SURVEY_COMMENTS[category]) if rng.random() < 0.35 else "",
            answered_at=now - datetime.timedelta(days=rng.randint(0, min(tenure, 200)), hours=rng.randint(1, 10)),
        ))
        surveys[-1].life = life
    history.bulk(SurveyResponse, surveys, "survey responses")
    # A detractor's answer is a complaint for the client's manager, as the survey page (in the
    # client's language) makes it.
    for response in surveys:
        with translation.override(response.life.client.language):
            complaint = detractor_complaint(response)
        if complaint is not None:
            feedback.append(carry_through(history, complaint, response.life.manager))
    history.bulk(Feedback, feedback, "feedback")
    # The manager follows up open complaints.
    history.bulk(Task, [Task(client_id=row.client_id, assigned_to=row.manager, kind=Task.Kind.FEEDBACK,
                             title="Розібратися зі скаргою та передзвонити клієнту", description=row.text,
                             due_date=timezone.localdate(row.received_at) + datetime.timedelta(days=2),
                             created_by=row.manager)
                        for row in feedback if row.kind == "complaint" and row.status == Feedback.Status.NEW],
                 "tasks")
