"""The program form's lines (``programs.forms``): one template selector (above the form), the
services contraindicated for the client marked in the list with the flags, each specialist with
the services they provide (the page offers a line only those)."""

import re

import pytest
from django.urls import reverse

from clients.tests import factories as cf
from staff.tests import factories as stf

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(manager):
    fitness = stf.DepartmentFactory(name="Fitness", code="fitness")
    hernia = cf.ContraindicationFactory(code="hernia", name="Spinal hernia")
    client = cf.ClientFactory(assigned_manager=manager)
    client.contraindications.add(hernia)
    deadlift = stf.ServiceFactory(department=fitness, name="Deadlift class")
    deadlift.contraindications.add(hernia)
    swimming = stf.ServiceFactory(department=fitness, name="Swimming lesson")
    instructor = stf.StaffMemberFactory(department=fitness, first_name="Pavlo", last_name="Pool", role="trainer")
    instructor.services.add(swimming)
    return {"client": client, "deadlift": deadlift, "swimming": swimming, "instructor": instructor}


def page(client, manager, setting) -> str:
    client.force_login(manager)
    return client.get(reverse("programs:create", args=[setting["client"].pk])).content.decode()


def test_a_contraindicated_service_is_marked_with_the_flags_before_submit(client, manager, setting):
    html = page(client, manager, setting)
    option = re.search(rf'<option value="{setting["deadlift"].pk}"[^>]*>[^<]*</option>', html).group(0)
    assert 'data-contraindicated="Spinal hernia"' in option
    assert "⚠ Deadlift class · Fitness — contraindicated: Spinal hernia" in option
    swimming = re.search(rf'<option value="{setting["swimming"].pk}"[^>]*>[^<]*</option>', html).group(0)
    assert "data-contraindicated" not in swimming


def test_each_specialist_carries_the_services_they_provide(client, manager, setting):
    specialists = page(client, manager, setting).split('name="items-0-specialist"')[1].split("</select>")[0]
    option = re.search(rf'<option value="{setting["instructor"].pk}"[^>]*>', specialists).group(0)
    assert f'data-services="{setting["swimming"].pk}"' in option


def test_one_template_selector_and_no_delete_box_on_the_only_line(client, manager, setting):
    html = page(client, manager, setting)
    assert len(re.findall(r'<select[^>]*name="template"', html)) == 1  # "Start from a template"
    assert '<input type="hidden" name="template"' in html
    form_part = html.split('id="item-forms"')[1].split("<template")[0]
    assert 'type="checkbox"' not in form_part and "data-remove-line" not in form_part
