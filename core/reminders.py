"""The daily pipeline: what every app produces for a club-local day, run in one place.

Each app declares its producers in its own ``reminders.py`` — one decorator line above a
function ``producer(on: date) -> list`` of rows — and its ``AppConfig.ready()`` imports that
module, so every producer is registered when Django starts. A declaration names the step, how
the sweep reports the producer, and how its rows are written (``write(rows, dry_run=…)``
returns how many were new: the outbox and the task list skip what they hold already, by dedup
key, so a second run adds nothing). The apps give their own shortcuts for the last two
(``clients.reminders.produces_messages`` / ``produces_tasks``).

The order is fixed:

1. by step: ``MESSAGES`` (reminders to clients, outbox rows), then ``TASKS`` (follow-ups for
   staff), then ``DIGESTS`` (what tells staff about their day, and so reads what the two steps
   before it made);
2. within a step, by layer: the apps in ``INSTALLED_APPS`` order (clients, staff, programs,
   sales, accompaniment);
3. within an app, in the order of its declarations.

``sweep`` runs the first two steps in one transaction (all or nothing); ``digests`` runs the
last one after the sweep has committed; ``day`` runs both. The Celery task and ``manage.py
send_reminders`` both call them, so they queue the same rows the same way.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
from collections.abc import Callable, Iterable

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction


class Step(enum.IntEnum):
    MESSAGES = 1
    TASKS = 2
    DIGESTS = 3


SWEEP_STEPS = (Step.MESSAGES, Step.TASKS)


@dataclasses.dataclass(frozen=True)
class Producer:
    name: str  # how the sweep reports it ("membership expiry")
    step: Step
    produce: Callable[[datetime.date], Iterable]
    write: Callable[..., int]  # write(rows, *, dry_run) -> rows that were new
    sequence: int  # the order of declaration

    @property
    def app_label(self) -> str:
        from django.apps import apps

        config = apps.get_containing_app_config(self.produce.__module__)
        if config is None:
            raise ImproperlyConfigured(f"The producer {self.name!r} is not in an installed app")
        return config.label


class Registry:
    """The declared producers, by name (a name is reported, so it is unique)."""

    def __init__(self):
        self._producers: dict[str, Producer] = {}

    def register(self, name: str, produce, *, step: Step, write) -> None:
        known = self._producers.get(name)
        if known is not None:
            if _same_function(known.produce, produce):
                return  # the module imported again: harmless
            raise ImproperlyConfigured(f"Two reminder producers are named {name!r}")
        self._producers[name] = Producer(name, Step(step), produce, write, len(self._producers))

    def producers(self, steps: Iterable[Step] = tuple(Step)) -> list[Producer]:
        """The producers of these steps, in the pipeline's order (see the module's docstring)."""
        from django.apps import apps

        layer = {config.label: index for index, config in enumerate(apps.get_app_configs())}
        steps = set(steps)
        chosen = [producer for producer in self._producers.values() if producer.step in steps]
        return sorted(chosen, key=lambda p: (p.step, layer[p.app_label], p.sequence))

    def copy(self) -> "Registry":
        """An independent copy (tests declare a producer in it and throw it away)."""
        other = Registry()
        other._producers = dict(self._producers)
        return other


def _same_function(one, other) -> bool:
    return (one.__module__, one.__qualname__) == (other.__module__, other.__qualname__)


REGISTRY = Registry()


def producer(name: str, *, step: Step, write):
    """Declare the decorated function a producer of the daily pipeline (see the module)."""

    def declare(produce):
        REGISTRY.register(name, produce, step=step, write=write)
        return produce

    return declare


def run(steps: Iterable[Step], *, on: datetime.date, dry_run: bool = False) -> dict[str, int]:
    """Run the producers of these steps for ``on`` in one transaction; new rows by producer."""
    report = {}
    with transaction.atomic():
        for each in REGISTRY.producers(steps):
            report[each.name] = each.write(each.produce(on), dry_run=dry_run)
    return report


def sweep(*, on: datetime.date, dry_run: bool = False) -> dict[str, int]:
    """Messages, then tasks, for the club's local date ``on``: all written or none."""
    return run(SWEEP_STEPS, on=on, dry_run=dry_run)


def digests(*, on: datetime.date, dry_run: bool = False) -> dict[str, int]:
    """The digests of ``on``: run after the sweep, so that they show what it made."""
    return run((Step.DIGESTS,), on=on, dry_run=dry_run)


def day(*, on: datetime.date, dry_run: bool = False, with_digests: bool = True) -> dict[str, int]:
    """The whole pipeline for ``on``: the sweep (committed), then the digests."""
    report = sweep(on=on, dry_run=dry_run)
    if with_digests:
        report.update(digests(on=on, dry_run=dry_run))
    return report
