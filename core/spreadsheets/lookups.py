"""Loading what a file refers to in a few queries: values in chunks of ``QUERY_CHUNK`` per
``__in`` lookup, rows by phone, users by username."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import CharField, ExpressionWrapper, F

QUERY_CHUNK = 500  # values per `__in` lookup when loading what a file refers to (SQLite: ≤ 999 parameters)
QUERY_CHUNK_UNLIMITED = 5000  # where a statement's parameters are not limited (PostgreSQL): fewer round trips


def chunked(values: Iterable[Any], size: int | None = None) -> Iterable[list[Any]]:
    if size is None:
        size = QUERY_CHUNK if connection.features.max_query_params else QUERY_CHUNK_UNLIMITED
    values = sorted(set(values) - {None, ""}, key=str)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def with_phones_in(queryset, phones: Iterable[str]):
    """The rows of ``queryset`` (of a model with a ``phone`` field) with one of ``phones``
    (E.164), in queries of a chunk of phones (``chunked``): the column compared as the text it is, so that
    the values are not parsed again as phone numbers (which costs more than the query)."""
    queryset = queryset.alias(phone_text=ExpressionWrapper(F("phone"), output_field=CharField()))
    for chunk in chunked(phones):
        yield from queryset.filter(phone_text__in=chunk)


def users_by_username(usernames: Iterable[str]) -> dict[str, Any]:
    User = get_user_model()
    lookup = f"{User.USERNAME_FIELD}__in"
    return {
        user.get_username(): user
        for names in chunked(usernames)
        for user in User.objects.filter(**{lookup: names})
    }
