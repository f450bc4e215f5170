"""The daily pipeline's registry: declarations, their order, and what a run reports."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from core import reminders
from core.reminders import Step

ON = datetime.date(2026, 11, 22)
pytestmark = pytest.mark.django_db  # a run is a transaction


@pytest.fixture
def registry(monkeypatch):
    """An empty registry in place of the project's, for the length of a test."""
    empty = reminders.Registry()
    monkeypatch.setattr(reminders, "REGISTRY", empty)
    return empty


def counting_write(rows, *, dry_run=False):
    return len(rows)


def test_producers_run_step_by_step_whatever_the_order_of_declaration(registry):
    @reminders.producer("digest", step=Step.DIGESTS, write=counting_write)
    def digest(on):
        return ["digest"]

    @reminders.producer("follow-ups", step=Step.TASKS, write=counting_write)
    def follow_ups(on):
        return ["task", "task"]

    @reminders.producer("first reminder", step=Step.MESSAGES, write=counting_write)
    def first(on):
        return ["message"]

    @reminders.producer("second reminder", step=Step.MESSAGES, write=counting_write)
    def second(on):
        return []

    assert [p.name for p in registry.producers()] == ["first reminder", "second reminder", "follow-ups", "digest"]
    assert [p.name for p in registry.producers(reminders.SWEEP_STEPS)] == ["first reminder", "second reminder", "follow-ups"]
    assert reminders.sweep(on=ON) == {"first reminder": 1, "second reminder": 0, "follow-ups": 2}
    assert reminders.day(on=ON) == {"first reminder": 1, "second reminder": 0, "follow-ups": 2, "digest": 1}
    assert reminders.day(on=ON, with_digests=False) == reminders.sweep(on=ON)


def test_a_producer_gets_the_day_and_its_writer_the_dry_run(registry):
    seen = []

    def write(rows, *, dry_run=False):
        seen.append(("write", rows, dry_run))
        return len(rows)

    @reminders.producer("dated", step=Step.MESSAGES, write=write)
    def dated(on):
        seen.append(("produce", on))
        return [on.isoformat()]

    assert reminders.sweep(on=ON, dry_run=True) == {"dated": 1}
    assert seen == [("produce", ON), ("write", ["2026-11-22"], True)]


def test_two_producers_with_one_name_stop_the_start(registry):
    @reminders.producer("birthdays", step=Step.MESSAGES, write=counting_write)
    def birthdays(on):
        return []

    def other_birthdays(on):
        return []

    with pytest.raises(ImproperlyConfigured, match="birthdays"):
        reminders.producer("birthdays", step=Step.MESSAGES, write=counting_write)(other_birthdays)


def test_declaring_a_module_again_is_harmless(registry):
    def birthdays(on):
        return []

    reminders.producer("birthdays", step=Step.MESSAGES, write=counting_write)(birthdays)
    reminders.producer("birthdays", step=Step.MESSAGES, write=counting_write)(birthdays)
    assert [p.name for p in registry.producers()] == ["birthdays"]


def test_a_failing_producer_stops_the_run_with_its_error(registry):
    @reminders.producer("broken", step=Step.TASKS, write=counting_write)
    def broken(on):
        raise RuntimeError("the producer failed")

    with pytest.raises(RuntimeError, match="the producer failed"):
        reminders.sweep(on=ON)
