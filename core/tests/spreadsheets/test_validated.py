"""Keeping a preview's validated rows (core/spreadsheets/validated.py): keyed by the file's
hash and the person, taken once, never more than the size kept. (Their confirmation through
the admin's pages: accompaniment/tests/spreadsheets/test_validated_rows.py.)"""

from django.core.cache import cache

from core.spreadsheets import parse_phone
from core.spreadsheets.validated import ValidatedRows, validated_keep, validated_key, validated_take


class Desk:
    def __init__(self, pk):
        self.pk = pk


class Resource:
    pass


def test_the_key_is_the_files_hash_for_one_person_one_import_and_one_format():
    key = validated_key(b"a,b\n1,2\n", user=Desk(1), resource_class=Resource, file_format="0")

    assert key == validated_key(b"a,b\n1,2\n", user=Desk(1), resource_class=Resource, file_format="0")
    assert len({
        key,
        validated_key(b"a,b\n1,3\n", user=Desk(1), resource_class=Resource, file_format="0"),
        validated_key(b"a,b\n1,2\n", user=Desk(2), resource_class=Resource, file_format="0"),
        validated_key(b"a,b\n1,2\n", user=Desk(1), resource_class=ValidatedRows, file_format="0"),
        validated_key(b"a,b\n1,2\n", user=Desk(1), resource_class=Resource, file_format="1"),
    }) == 5
    assert "a,b" not in key  # the hash, not the file


def test_kept_rows_are_taken_once():
    rows = ValidatedRows(total_rows=1, fields=("id", "phone"), created=[(None, parse_phone("0501234567"))])

    assert validated_keep("import-test-once", rows)

    assert validated_take("import-test-once") == rows
    assert validated_take("import-test-once") is None


def test_rows_larger_than_the_size_kept_are_not_kept(settings):
    settings.IMPORT_MAX_BYTES = 100  # rows kept: at most four times the largest file
    rows = ValidatedRows(total_rows=20, fields=("id", "notes"), created=[(None, f"note {n} " * 5) for n in range(20)])
    cache.set("import-test-large", b"older")

    assert not validated_keep("import-test-large", rows)

    assert validated_take("import-test-large") is None
