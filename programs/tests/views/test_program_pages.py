"""The program pages as the manager who owns the client uses them: build from a template,
be stopped by a contraindication, confirm it with a reason, activate, print."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.tests import factories as cf
from programs.models import Program, Session
from programs.tests import factories as pf
from staff.tests.factories import DepartmentFactory, ServiceFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)


@pytest.fixture
def own_client(manager):
    return cf.ClientFactory(first_name="Iryna", last_name="Bondarenko", assigned_manager=manager)


@pytest.fixture
def as_manager(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def fitness():
    return DepartmentFactory(name="Fitness", code="fitness")


@pytest.fixture
def trainer(fitness):
    return StaffMemberFactory(first_name="Taras", last_name="Melnyk", department=fitness)


@pytest.fixture
def deadlift(own_client, fitness):
    """A service contraindicated for the client (both carry the 'Spinal hernia' flag)."""
    flag = cf.ContraindicationFactory(code="hernia", name="Spinal hernia")
    own_client.contraindications.add(flag)
    service = ServiceFactory(department=fitness, name="Deadlift class")
    service.contraindications.add(flag)
    return service


def program_data(service, specialist=None, override_reason="", **changes):
    data = {
        "name": "Strong back",
        "start_date": MONDAY.isoformat(),
        "template": "",
        "goal": "Less back pain",
        "notes": "",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "30",
        "items-0-service": str(service.pk),
        "items-0-specialist": str(specialist.pk) if specialist else "",
        "items-0-sessions_count": "8",
        "items-0-sessions_per_week": "2",
        "items-0-notes": "",
        "items-0-override_reason": override_reason,
    }
    data.update(changes)
    return data


def test_a_template_prefills_the_program_lines(as_manager, own_client, fitness):
    template = pf.ProgramTemplateFactory(name="Back health, 8 weeks", goal="A pain-free back")
    swim = ServiceFactory(department=fitness, name="Swimming")
    stretch = ServiceFactory(department=fitness, name="Stretching")
    pf.ProgramTemplateItemFactory(
        template=template,
        service=stretch,
        sessions_count=6,
        sessions_per_week=3,
        position=1,
        notes="Slowly",
    )
    pf.ProgramTemplateItemFactory(
        template=template, service=swim, sessions_count=8, sessions_per_week=2, position=0
    )

    response = as_manager.get(
        reverse("programs:create", args=[own_client.pk]), {"template": template.pk}
    )

    assert response.status_code == 200
    formset = response.context["formset"]
    assert [
        (f.initial["service"], f.initial["sessions_count"], f.initial["sessions_per_week"])
        for f in formset.forms
    ] == [(swim.pk, 8, 2), (stretch.pk, 6, 3)]
    assert formset.forms[1].initial["notes"] == "Slowly"
    form = response.context["form"]
    assert form.initial["name"] == "Back health, 8 weeks"
    assert form.initial["template"] == template.pk
    html = response.content.decode()
    assert 'name="items-TOTAL_FORMS" value="2"' in html
    assert f'<option value="{swim.pk}" selected>' in html
    assert f'<option value="{stretch.pk}" selected>' in html


def test_without_a_template_the_form_offers_one_empty_line(as_manager, own_client):
    response = as_manager.get(reverse("programs:create", args=[own_client.pk]))
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 1
    assert 'name="items-TOTAL_FORMS" value="1"' in response.content.decode()


def test_a_contraindicated_service_is_refused_next_to_its_line(
    as_manager, own_client, deadlift, trainer
):
    response = as_manager.post(
        reverse("programs:create", args=[own_client.pk]), program_data(deadlift, trainer)
    )

    assert response.status_code == 200
    line_errors = response.context["formset"].forms[0].errors
    assert "override_reason" in line_errors
    assert (
        "Deadlift class is contraindicated for this client (Spinal hernia)"
        in line_errors["override_reason"][0]
    )
    html = response.content.decode()
    assert "Deadlift class is contraindicated for this client (Spinal hernia)" in html
    assert not Program.objects.exists()


def test_a_contraindicated_service_confirmed_with_a_reason_is_saved(
    as_manager, manager, own_client, deadlift, trainer
):
    trainer.services.add(deadlift)
    url = reverse("programs:create", args=[own_client.pk])
    as_manager.post(url, program_data(deadlift, trainer))
    response = as_manager.post(
        url, program_data(deadlift, trainer, override_reason="The doctor allowed light weights")
    )

    program = Program.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:detail", args=[program.pk])
    assert (program.client, program.manager, program.status) == (
        own_client,
        manager,
        Program.Status.DRAFT,
    )
    item = program.items.get()
    assert (item.service, item.specialist, item.sessions_count, item.sessions_per_week) == (
        deadlift,
        trainer,
        8,
        2,
    )
    assert item.contraindication_override == "The doctor allowed light weights"
    assert item.override_confirmed_by == manager


def test_a_specialist_from_another_department_is_refused_next_to_the_line(
    as_manager, own_client, fitness
):
    service = ServiceFactory(department=fitness)
    masseur = StaffMemberFactory(
        department=DepartmentFactory(name="SPA", code="spa"), role="massage"
    )
    response = as_manager.post(
        reverse("programs:create", args=[own_client.pk]), program_data(service, masseur)
    )
    assert response.status_code == 200
    assert "specialist" in response.context["formset"].forms[0].errors
    assert not Program.objects.exists()


def test_another_managers_client_gets_no_program_form(client, make_user, own_client):
    from core import roles

    client.force_login(make_user(roles.MANAGER))
    assert client.get(reverse("programs:create", args=[own_client.pk])).status_code == 404


def test_activating_a_program_plans_its_sessions_and_shows_them_on_the_calendar(as_manager, own_client, manager,
                                                                               trainer):
    program = pf.ProgramFactory(client=own_client, manager=manager, start_date=MONDAY)
    pf.ProgramItemFactory(
        program=program,
        service=ServiceFactory(department=trainer.department),
        specialist=trainer,
        sessions_count=6,
        sessions_per_week=3,
    )

    response = as_manager.post(reverse("programs:status", args=[program.pk]), {"status": "active"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('programs:calendar')}?program={program.pk}"  # to adjust and confirm
    program.refresh_from_db()
    assert program.status == Program.Status.ACTIVE and program.plan_confirmed_at is None
    assert Session.objects.filter(item__program=program, specialist=trainer).count() == 6


def test_activating_a_second_program_shows_why_it_is_refused(
    as_manager, own_client, manager, trainer
):
    first = pf.ProgramFactory(client=own_client, manager=manager, status=Program.Status.ACTIVE)
    second = pf.ProgramFactory(client=own_client, manager=manager, start_date=MONDAY)
    pf.ProgramItemFactory(program=second, service=ServiceFactory(department=trainer.department))

    response = as_manager.post(
        reverse("programs:status", args=[second.pk]), {"status": "active"}, follow=True
    )

    assert "already has an active program" in response.content.decode()
    second.refresh_from_db()
    assert second.status == Program.Status.DRAFT
    assert first.pk != second.pk
    assert not Session.objects.exists()


def test_the_print_view_lists_the_items_and_the_planned_sessions(
    as_manager, own_client, manager, trainer
):
    program = pf.ProgramFactory(
        client=own_client, manager=manager, name="Strong back", start_date=MONDAY
    )
    service = ServiceFactory(department=trainer.department, name="Core training")
    pf.ProgramItemFactory(
        program=program,
        service=service,
        specialist=trainer,
        sessions_count=5,
        sessions_per_week=1,
        notes="Keep the back straight",
    )
    as_manager.post(reverse("programs:status", args=[program.pk]), {"status": "active"})

    response = as_manager.get(reverse("programs:print", args=[program.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Strong back" in html
    assert "Iryna Bondarenko" in html
    assert "Core training" in html
    assert "Taras Melnyk" in html
    assert "Keep the back straight" in html
    assert "<td>5</td><td>1</td>" in html
    assert html.count("— Core training") == 5


def test_the_print_view_of_another_managers_client_is_not_found(client, make_user, own_client):
    from core import roles

    program = pf.ProgramFactory(client=own_client, start_date=timezone.localdate())
    client.force_login(make_user(roles.MANAGER))
    assert client.get(reverse("programs:print", args=[program.pk])).status_code == 404
