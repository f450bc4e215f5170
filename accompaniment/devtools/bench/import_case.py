"""The bench's import case: the first ``rows`` rows of the 20,000-client sample
(docs/import/clients-20000.csv) previewed and confirmed through the admin's real import pages,
beside the floor — the same validated rows bulk-inserted with their history records, measured
in the same run. The issue's target is the ratio: preview + confirm ≤ IMPORT_TARGET_RATIO ×
the floor.

Nothing is kept: each run is rolled back (the importing user with it, at the end).
"""

import contextlib
import html
import re
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from clients.models import Client
from clients.resources import client_row_parse
from core import roles
from core.spreadsheets import CsvFormat

from . import measure  # the module, not its names: measure() imports this module in turn

SAMPLE = Path(settings.BASE_DIR) / "docs" / "import" / "clients-20000.csv"
IMPORT_ROWS = 20_000  # the sample's rows: the bench imports them all at its full size
IMPORT_TARGET_RATIO = 1.5  # preview + confirm ÷ the floor
BATCH = 1000  # rows per INSERT, as the clients' import writes them


class _RolledBack(Exception):
    """Raised to leave a run's transaction: what it wrote is rolled back."""


@contextlib.contextmanager
def rolled_back():
    with contextlib.suppress(_RolledBack), transaction.atomic():
        yield
        raise _RolledBack


def sample_file(rows: int) -> bytes:
    """The sample's header and its first ``rows`` rows."""
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    if not 1 <= rows < len(lines):
        raise CommandError(f"The import sample has {len(lines) - 1} rows; asked for {rows}.")
    return b"".join(lines[: rows + 1])


CONFIRM_FORM = re.compile(r'<form action="[^"]*process_import/"[^>]*>(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def confirm_fields(page: str) -> dict[str, str] | None:
    """The hidden fields of the preview's "Confirm import" form (none: the file was refused)."""
    form = CONFIRM_FORM.search(page)
    if form is None:
        return None
    return {name: html.unescape(value) for name, value in HIDDEN.findall(form.group(1))}


def validated_clients(content: bytes, user) -> list[Client]:
    """The file's rows as the import validates them (the floor's input, built before timing)."""
    dataset = CsvFormat().create_dataset(content)
    headers = dataset.headers
    clients = []
    for cells in dataset:
        parsed = client_row_parse(dict(zip(headers, cells, strict=True)))
        if parsed.errors:
            raise CommandError(f"A sample row is refused: {parsed.errors}")
        clients.append(Client(**parsed.values, created_by=user))
    return clients


def measure_import(rows: int, runs: int, out) -> list[dict]:
    """Preview, confirm, both together and the floor: median, p95 and queries of each, and the
    ratio of preview + confirm to the floor (medians; p95 beside it)."""
    content = sample_file(rows)
    url = reverse(f"admin:{Client._meta.app_label}_{Client._meta.model_name}_import")
    confirm_url = reverse(f"admin:{Client._meta.app_label}_{Client._meta.model_name}_process_import")
    times: dict[str, list[float]] = {"preview": [], "confirm": [], "total": [], "floor": []}
    queries: dict[str, int] = {}
    label = f"import {rows:,} rows"
    out.write(f"Measuring {label}: preview + confirm, and the floor …")
    ContentType.objects.get_for_model(Client, for_concrete_model=False)  # cached before any count
    with rolled_back():  # the importing user too
        user = get_user_model().objects.create_user(username="bench-import-desk", is_staff=True)
        user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
        http = HttpClient()
        http.force_login(user)
        http.get(url, secure=True)  # the site's first request (its URLs compiled) is not the import's
        reason = "Import of clients-20000.csv"
        for run in range(runs):
            with rolled_back(), measure.debug_off(), CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                preview = http.post(url, {"resource": "0", "format": "0",
                                          "import_file": SimpleUploadedFile("clients-20000.csv", content)}, secure=True)
                previewed = time.perf_counter()
                fields = confirm_fields(preview.text) if preview.status_code == 200 else None
                if fields is None:
                    raise CommandError(f"The preview of the sample refused it ({preview.status_code}).")
                previewed_queries = len(captured)
                response = http.post(confirm_url, fields, secure=True)
                confirmed = time.perf_counter()
                confirmed_queries = len(captured)
                if response.status_code != 302:
                    raise CommandError(f"The confirmation of the sample refused it ({response.status_code}).")
                if Client.history.filter(history_user=user).count() < rows:
                    raise CommandError("The import wrote fewer history records than rows.")
            times["preview"].append((previewed - began) * 1000)
            times["confirm"].append((confirmed - previewed) * 1000)
            times["total"].append((confirmed - began) * 1000)
            if run == 0:
                queries["preview"], queries["confirm"] = previewed_queries, confirmed_queries - previewed_queries
                queries["total"] = confirmed_queries
            clients = validated_clients(content, user)
            with rolled_back(), measure.debug_off(), CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                bulk_create_with_history(clients, Client, batch_size=BATCH, default_user=user,
                                         default_change_reason=reason)
                times["floor"].append((time.perf_counter() - began) * 1000)
            queries.setdefault("floor", len(captured))
    result = [
        measure.summary(f"{label}: preview", times["preview"], queries["preview"]),
        measure.summary(f"{label}: confirm", times["confirm"], queries["confirm"]),
        measure.summary(f"{label}: preview + confirm", times["total"], queries["total"]),
        measure.summary("import floor: bulk insert + history", times["floor"], queries["floor"]),
    ]
    total, floor = result[2], result[3]
    ratio = round(total["median_ms"] / floor["median_ms"], 2) if floor["median_ms"] else None
    p95_ratio = round(total["p95_ms"] / floor["p95_ms"], 2) if floor["p95_ms"] else None
    ok = ratio is not None and ratio <= IMPORT_TARGET_RATIO
    result.append({
        "name": "import ÷ floor", "median_ms": ratio or 0.0, "p95_ms": p95_ratio or 0.0, "queries": 0,
        "runs_ms": [], "meets_target": ok, "ratio": ratio, "limit": IMPORT_TARGET_RATIO, "ok": ok,
    })
    out.write(f"  {label}: preview + confirm {total['median_ms']:.0f} ms, floor {floor['median_ms']:.0f} ms; "
              f"ratio {ratio} ({'ok' if ok else 'MISSED'}, target ≤ {IMPORT_TARGET_RATIO})")
    return result
