"""The admin's periodic tasks speak the active language where django-celery-beat would not
(``accompaniment.third_party``), and their form runs under the content security policy."""

import pytest
from django.urls import reverse
from django.utils import translation
from django_celery_beat.models import CrontabSchedule

from accompaniment.third_party import cron_description

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language, words", [("en", "At 08:30"), ("ru", "В 08:30"), ("uk", "О 08:30")])
def test_a_crontab_is_described_in_the_language(language, words):
    with translation.override(language):
        assert cron_description("30 8 * * *") == words
        assert CrontabSchedule(minute="30", hour="8").human_readable.startswith(words)


def test_the_columns_no_catalogue_could_name_are_named(client, director):
    client.force_login(director)
    client.post(reverse("set_language"), {"language": "uk"})
    CrontabSchedule.objects.create(minute="30", hour="8")
    html = client.get(reverse("admin:django_celery_beat_crontabschedule_changelist")).content.decode()
    assert "Коли запускається" in html and "Human readable" not in html
    html = client.get(reverse("admin:django_celery_beat_periodictask_changelist")).content.decode()
    assert "Scheduler" not in html


def test_the_periodic_task_form_has_no_inline_script(client, director):
    client.force_login(director)
    html = client.get(reverse("admin:django_celery_beat_periodictask_add")).content.decode()
    assert 'src="/static/js/periodic-task-form.js"' in html
    assert "<script>" not in html.replace(" ", "") and "<script id=\"periodic-task-overrides\">" not in html
