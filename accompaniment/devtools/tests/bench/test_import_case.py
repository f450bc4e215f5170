"""The bench's import case (accompaniment/devtools/bench/import_case.py): the sample previewed
and confirmed through the admin's pages beside the floor, each timed with its queries, and
nothing of it kept."""

import csv
from io import StringIO

import phonenumbers
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model

from accompaniment.devtools.bench.history import PHONE_PREFIX
from accompaniment.devtools.bench.import_case import IMPORT_TARGET_RATIO, SAMPLE, measure_import
from clients.models import Client

pytestmark = pytest.mark.django_db


def test_the_import_is_timed_beside_its_floor_and_nothing_is_kept():
    out = StringIO()

    rows = measure_import(200, 1, out)

    assert [row["name"] for row in rows] == [
        "import 200 rows: preview", "import 200 rows: confirm", "import 200 rows: preview + confirm",
        "import floor: bulk insert + history", "import ÷ floor",
    ]
    for row in rows[:4]:
        assert row["queries"] > 0 and len(row["runs_ms"]) == 1 and row["median_ms"] > 0
    preview, confirm, total, floor, ratio = rows
    assert total["queries"] == preview["queries"] + confirm["queries"]
    assert ratio["ratio"] == round(total["median_ms"] / floor["median_ms"], 2)
    assert ratio["limit"] == IMPORT_TARGET_RATIO and ratio["ok"] == (ratio["ratio"] <= IMPORT_TARGET_RATIO)
    assert "import 200 rows: preview + confirm" in out.getvalue() and "ratio" in out.getvalue()
    assert not Client.objects.exists() and not Client.history.exists() and not LogEntry.objects.exists()
    assert not get_user_model().objects.filter(username="bench-import-desk").exists()


def test_no_phone_of_the_import_sample_is_one_the_bench_club_gives_its_clients():
    """The floor bulk-inserts every sample row: a sample phone among the bench club's would break
    the full-size bench (a unique phone) instead of measuring it."""
    with SAMPLE.open(encoding="utf-8") as sample:
        phones = [phonenumbers.format_number(phonenumbers.parse(row["phone"], "UA"), phonenumbers.PhoneNumberFormat.E164)
                  for row in csv.DictReader(sample)]
    assert len(phones) == 20_000
    assert not [phone for phone in phones if phone.startswith(PHONE_PREFIX)]
