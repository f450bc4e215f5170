"""What comes in is bounded: a file over IMPORT_MAX_BYTES or with more than IMPORT_MAX_ROWS rows
below the header is refused before any row is parsed — CSV and Excel alike, an Excel sheet by
its declared size first and then by counting while reading (its declaration may be missing or
wrong) — and the upload kept between the preview and the confirmation is bounded too."""

import csv
import io
import re
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import service_url_or_skip
from core.spreadsheets import CsvFormat, ImportFileError, XlsxFormat
from core.spreadsheets.admin import UPLOAD_GONE, UploadedFileCacheStorage, UploadedFileStorage
from core.spreadsheets.formats import MAX_COLUMNS

HEADER = ["first_name", "phone"]


def csv_file(rows: int, after: str = "") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows([f"Client {number}", f"050 000 {number:04d}"] for number in range(rows))
    return (out.getvalue() + after).encode()


def workbook(rows: int, *, cells: dict[tuple[int, int], str] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for number in range(rows):
        sheet.append([f"Client {number}", f"050 000 {number:04d}"])
    for (row, column), value in (cells or {}).items():
        sheet.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_sheet_dimension(data: bytes, dimension: str | None) -> bytes:
    """The workbook with its first sheet's declared size replaced (None: no declaration), as
    other programs write it: missing, or wrong."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            content = source.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                assert "<dimension " in text
                text = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>' if dimension else "", text)
                content = text.encode()
            target.writestr(part, content)
    return out.getvalue()


def read(file_format, data: bytes):
    return file_format().create_dataset(data)


@pytest.fixture
def limits(settings):
    settings.IMPORT_MAX_ROWS = 3
    settings.IMPORT_MAX_BYTES = 10 * 1024
    return settings


def refusal(error) -> str:
    """The refusal's words, its sizes' non-breaking spaces as plain ones."""
    return str(error.value).replace("\xa0", " ")


TOO_MANY_ROWS = "The file has more than 3 rows below the header; at most 3 rows are imported at once"


# ---------------------------------------------------------------------------------------------
# Size
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("file_format", [CsvFormat, XlsxFormat], ids=["csv", "xlsx"])
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(limits, file_format):
    with pytest.raises(ImportFileError) as refused:
        read(file_format, b"\x00" * 20 * 1024)  # not even a valid file: it is never looked at

    assert refusal(refused) == (
        "This file is 20.0 KB; a file of at most 10.0 KB is imported at once: split it into several files."
    )
    assert len(read(CsvFormat, csv_file(3))) == 3  # within both limits


def test_a_workbook_that_unpacks_to_far_more_than_its_size_is_refused(limits):
    small = workbook(2)
    out = io.BytesIO(small)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\x00" * 2 * 1024 * 1024)  # 2 MB in a few kilobytes
    assert len(out.getvalue()) < 10 * 1024

    with pytest.raises(ImportFileError) as refused:
        read(XlsxFormat, out.getvalue())

    assert refusal(refused).startswith("This workbook unpacks to 2.0 MB, far more than its rows could take")


# ---------------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [csv_file, workbook], ids=["csv", "xlsx"])
def test_a_file_with_more_rows_than_the_limit_is_refused(limits, make):
    file_format = CsvFormat if make is csv_file else XlsxFormat

    assert len(read(file_format, make(3))) == 3
    with pytest.raises(ImportFileError, match=TOO_MANY_ROWS):
        read(file_format, make(4))


def test_csv_rows_are_counted_as_read_and_reading_stops_at_the_limit(limits):
    limits.IMPORT_MAX_BYTES = 1024 * 1024
    with pytest.raises(ImportFileError, match="Row 5 of the file cannot be read"):
        read(CsvFormat, csv_file(3, after='"an unclosed quote' + "x" * 200_000))
    # The fifth row below the header could not be read either: the limit is met first.
    with pytest.raises(ImportFileError, match=TOO_MANY_ROWS):
        read(CsvFormat, csv_file(4, after='"an unclosed quote' + "x" * 200_000))


def test_a_sheet_declaring_more_rows_than_the_limit_is_refused_before_its_rows_are_read(limits):
    declares_many = with_sheet_dimension(workbook(2), "A1:B50000")

    with pytest.raises(ImportFileError, match=TOO_MANY_ROWS):
        read(XlsxFormat, declares_many)


@pytest.mark.parametrize("dimension", ["A1:B2", "A1:A1", None], ids=["too few rows", "one cell", "none"])
def test_a_sheet_whose_declared_size_is_wrong_or_missing_is_counted_while_read(limits, dimension):
    lying_large = with_sheet_dimension(workbook(50), dimension)
    with pytest.raises(ImportFileError, match=TOO_MANY_ROWS):
        read(XlsxFormat, lying_large)

    # Within the limit every row and column is read, whatever the sheet declared.
    dataset = read(XlsxFormat, with_sheet_dimension(workbook(3), dimension))
    assert dataset.headers == HEADER
    assert [row[1] for row in dataset] == ["050 000 0000", "050 000 0001", "050 000 0002"]


def test_a_sheet_with_a_cell_far_to_the_right_is_refused_at_that_row(limits):
    wide = workbook(2, cells={(3, MAX_COLUMNS + 1): "x"})

    with pytest.raises(ImportFileError, match=f"Row 3 has more than {MAX_COLUMNS} cells"):
        read(XlsxFormat, with_sheet_dimension(wide, None))
    with pytest.raises(ImportFileError, match=f"Row 3 has more than {MAX_COLUMNS} cells"):
        read(CsvFormat, csv_file(1) + b"a" + b"," * MAX_COLUMNS + b"\n")


# ---------------------------------------------------------------------------------------------
# Where the upload waits between the preview and the confirmation
# ---------------------------------------------------------------------------------------------
def test_the_temp_folder_keeps_no_upload_over_the_limit(limits):
    files_before = set(Path(tempfile.gettempdir()).iterdir())
    with pytest.raises(ImportFileError) as refused:
        UploadedFileStorage(read_mode="rb").save(b"x" * (10 * 1024 + 1))
    assert "a file of at most 10.0 KB is imported at once" in refusal(refused)
    assert set(Path(tempfile.gettempdir()).iterdir()) == files_before

    storage = UploadedFileStorage(read_mode="rb")
    storage.save(b"x" * 10 * 1024)
    assert UploadedFileStorage(name=storage.name, read_mode="rb").read() == b"x" * 10 * 1024
    storage.remove()
    with pytest.raises(ImportFileError, match=str(UPLOAD_GONE)):
        UploadedFileStorage(name=storage.name, read_mode="rb").read()


@pytest.mark.redis
def test_redis_keeps_an_upload_within_the_limit_for_an_hour_at_the_most(limits):
    import redis
    from django.core.cache import cache

    redis_url = service_url_or_skip("REDIS_URL")
    assert limits.CACHES["default"]["BACKEND"].endswith("RedisCache")
    server = redis.Redis.from_url(redis_url)

    refused = UploadedFileCacheStorage(read_mode="rb")
    with pytest.raises(ImportFileError, match="a file of at most 10.0"):
        refused.save(b"x" * (10 * 1024 + 1))
    assert refused.name is None or not server.exists(cache.make_key(refused.CACHE_PREFIX + refused.name))

    kept = UploadedFileCacheStorage(read_mode="rb")
    kept.save(b"x" * 10 * 1024)
    key = cache.make_key(kept.CACHE_PREFIX + kept.name)
    assert 0 < server.ttl(key) <= 60 * 60
    assert UploadedFileCacheStorage(name=kept.name, read_mode="rb").read() == b"x" * 10 * 1024
    kept.remove()
    assert not server.exists(key)
    with pytest.raises(ImportFileError, match=str(UPLOAD_GONE)):
        UploadedFileCacheStorage(name=kept.name, read_mode="rb").read()
