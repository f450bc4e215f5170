"""Driving the admin site's real import and export pages from a test: upload a file, read the
preview's refusals, confirm, export. Shared by every app's spreadsheet tests (the framework is
core's: core/spreadsheets/)."""

import csv
import io
import re
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

SAMPLES = Path(settings.BASE_DIR) / "docs" / "import"
CSV, XLSX = 0, 1
NOTHING_IMPORTED = (
    "Nothing has been imported: fix the rows listed below and upload the file again. "
    "A file is imported only when every row is valid."
)


def admin_url(model, view: str) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def csv_bytes(*rows: list, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue().encode(encoding)


def dry_run(client, model, content: bytes, name: str = "file.csv", file_format: int = CSV):
    """Upload a file on the model's import page: the preview (or the refusals)."""
    upload = SimpleUploadedFile(name, content)
    return client.post(
        admin_url(model, "import"),
        {"resource": "0", "format": str(file_format), "import_file": upload},
    )


def confirm(client, model, preview, **changes):
    """Press "Confirm import" on a preview (``changes``: what a forged form would send)."""
    return client.post(admin_url(model, "process_import"), preview.context["confirm_form"].initial | changes)


def import_file(client, model, content: bytes, name: str = "file.csv", file_format: int = CSV):
    """Preview a valid file and confirm it; the import must succeed."""
    preview = dry_run(client, model, content, name, file_format)
    assert preview.status_code == 200
    assert not refused(preview), refused(preview)
    assert preview.context["result"].base_errors == []
    response = confirm(client, model, preview)
    assert response.status_code == 302, refused(response)
    return preview


def refused(response) -> dict[int, str]:
    """Spreadsheet row number → every reason the page gives for refusing it."""
    result = response.context.get("result")
    if result is None:
        return {}
    return {
        row.number: " ".join(message for messages in row.error_dict.values() for message in messages)
        for row in result.invalid_rows
    }


def page_row(response, number: int) -> str:
    """The text of the refused row ``number`` as the page shows it."""
    match = re.search(rf'<th scope="row">{number}</th>(.*?)</tr>', response.text, re.S)
    assert match, f"row {number} is not on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def totals(preview) -> dict[str, int]:
    counts = preview.context["result"].totals
    return {kind: counts[kind] for kind in ("new", "update", "skip", "invalid", "error")}


def export(client, model, resource, file_format: int = CSV) -> bytes:
    """Every column of the model's export, as the export page sends it."""
    data = {"format": str(file_format), "resource": "0"}
    data |= {f"{resource.__name__.lower()}_{name}": "on" for name in resource().get_export_order()}
    response = client.post(admin_url(model, "export"), data)
    assert response.status_code == 200
    return response.content


def overwrite_upload(preview, data: bytes) -> None:
    """Change the uploaded file where the admin keeps it (Redis with REDIS_URL, else /tmp)."""
    from django.core.cache import cache
    from import_export.tmp_storages import CacheStorage

    from core.spreadsheets.admin import uploaded_file_storage

    name = preview.context["confirm_form"].initial["import_file_name"]
    storage = uploaded_file_storage()
    if issubclass(storage, CacheStorage):
        cache.set(storage.CACHE_PREFIX + name, data, 60)
    else:
        (Path(tempfile.gettempdir()) / name).write_bytes(data)
