"""The demo clients' timeline with their manager: the intro visit, calls and messages, the
manager's tasks, and body measurements."""

import datetime

from clients.models import Interaction, Measurement, Task

from . import people
from .rows import Mix, tenth

# Calls from the manager per client.
CALLS_PER_CLIENT = Mix(((0, 40), (1, 40), (2, 20)))


def write_interactions_and_tasks(history, lives):
    rng, today, now = history.rng, history.today, history.now
    interactions, tasks = [], []
    for life in lives:
        pk, manager = life.client.pk, life.manager
        current = life.current
        # The intro visit opens the timeline (some newcomers are still waiting for theirs).
        if life.joined >= history.timeline_start and (life.scenario != "new" or rng.random() < 0.7):
            plan_name = life.cards[0].plan.name if life.cards else ""
            interactions.append(history.new_interaction(
                client_id=pk, manager_id=manager.pk, kind=Interaction.Kind.INTRO_VISIT,
                direction=Interaction.Direction.INBOUND,
                occurred_at=history.past(life.joined, rng.randint(10, 19), rng.randrange(60)),
                summary=rng.choice(people.INTRO_SUMMARIES).format(goal=life.goal.lower()),
                outcome=(rng.choice(people.INTRO_OUTCOMES).format(plan=plan_name) if plan_name
                         else rng.choice(people.LEAD_OUTCOMES)),
            ))
        since = max(life.joined, history.timeline_start)
        tenure = (today - since).days
        calls = CALLS_PER_CLIENT.draw(rng) if tenure > 3 and rng.random() < history.density else 0
        for _ in range(calls):
            summary, outcome = rng.choice(people.CALLS)
            day = since + datetime.timedelta(days=rng.randint(1, tenure))
            interactions.append(history.new_interaction(
                client_id=pk, manager_id=manager.pk,
                kind=Interaction.Kind.MESSAGE if "Telegram" in summary else Interaction.Kind.CALL,
                occurred_at=history.past(day, rng.randint(10, 19), rng.randrange(60)),
                summary=summary, outcome=outcome,
            ))
        if life.scenario == "expiring" and current and current.start <= today and rng.random() < 0.4:
            interactions.append(history.new_interaction(
                client_id=pk, manager_id=manager.pk, kind=Interaction.Kind.CALL,
                occurred_at=now - datetime.timedelta(days=rng.randint(0, 5), hours=rng.randint(1, 6)),
                summary="Дзвінок: абонемент закінчується, обговорили продовження.",
                outcome=rng.choice(["Подумає до вихідних.", "Продовжить у день закінчення.",
                                    "Цікавиться річним абонементом."]),
            ))
        # The manager's open to-dos (the automatic ones come from the reminders sweep).
        if life.scenario == "lead":
            if rng.random() < 0.8:
                kind, title = people.LEAD_TASK
                tasks.append(Task(client_id=pk, assigned_to=manager, kind=kind, title=title,
                                  due_date=life.joined + datetime.timedelta(days=rng.randint(2, 6))))
        elif rng.random() < 0.06 * history.density:
            kind, title = rng.choice(people.OPEN_TASKS)
            tasks.append(Task(client_id=pk, assigned_to=manager, kind=kind, title=title,
                              due_date=today + datetime.timedelta(days=rng.randint(-3, 7))))
        if tenure > 10 and rng.random() < 0.08 * history.density:
            kind, title = rng.choice(people.DONE_TASKS)
            due = since + datetime.timedelta(days=rng.randint(3, tenure - 1))
            tasks.append(Task(client_id=pk, assigned_to=manager, kind=kind, title=title, due_date=due,
                              status=Task.Status.DONE, completed_at=history.past(due, rng.randint(10, 18))))
    summary, outcome = people.PROGRAM_CONSULTATION
    for program in history.consultations:
        interactions.append(history.new_interaction(
            client_id=program.client_id, manager_id=program.manager_id,
            kind=Interaction.Kind.CONSULTATION, direction=Interaction.Direction.OUTBOUND,
            occurred_at=history.past(program.start_date, 9),
            summary=summary.format(program=program.name), outcome=outcome,
        ))
    history.bulk(Interaction, interactions, "interactions")
    history.bulk(Task, tasks, "tasks")


def write_measurements(history, lives):
    rng, today = history.rng, history.today
    rows = []
    for life in lives:
        if life.profile not in ("fitness", "all") or not life.cards or rng.random() > 0.22 * history.density:
            continue
        months = min((today - life.joined).days // 30, 4)
        female = life.client.gender == "f"
        height = rng.gauss(166, 6) if female else rng.gauss(179, 7)
        weight = min(max(rng.gauss(26, 4), 18.5), 38) * (height / 100) ** 2
        fat = rng.gauss(30, 5) if female else rng.gauss(22, 5)
        waist = weight * (0.95 if female else 1.0) + rng.gauss(8, 4)
        losing = "худ" in life.goal.lower() or "кг" in life.goal
        pressure = "hypertension" in life.flags
        first = max(life.joined, today - datetime.timedelta(days=30 * months + rng.randint(0, 10)))
        for month in range(months + 1):
            day = first + datetime.timedelta(days=30 * month + rng.randint(0, 3))
            if day > today:
                break
            trend = month * (rng.uniform(0.8, 1.6) if losing else rng.uniform(-0.3, 0.5))
            rows.append(history.new_measurement(
                client_id=life.client.pk, measured_on=day,
                weight_kg=tenth(weight - trend), height_cm=tenth(height),
                body_fat_percent=tenth(max(fat - trend * 0.6, 8)),
                muscle_mass_kg=tenth(weight * (0.38 if female else 0.45) + month * 0.2),
                waist_cm=tenth(waist - trend * 0.8),
                hips_cm=tenth(rng.gauss(100, 6) - trend * 0.5) if female else None,
                chest_cm=None if female else tenth(rng.gauss(102, 6)),
                resting_heart_rate=rng.randint(58, 84),
                blood_pressure_systolic=rng.randint(138, 152) if pressure else rng.randint(108, 132),
                blood_pressure_diastolic=rng.randint(88, 96) if pressure else rng.randint(68, 84),
                notes="Вимірювання натще, ранок." if month == 0 else "",
            ))
    history.bulk(Measurement, rows, "measurements")
