"""The client search can use its indexes on PostgreSQL (``clients.selectors.client_search_q``):
the card number through ``membership_card_upper_idx`` (Django's ``iexact`` is ``UPPER() =
UPPER()`` there; SQLite's is a ``LIKE``, which finds the same rows without it), the names and
e-mail through the trigram index ``client_search_trgm_idx``. The tables here are tiny, so the
planner is told to avoid sequential scans — what is checked is that the statement's shape lets
it use the indexes (a bitmap OR over the names, beside the cards), not which plan it picks."""

import pytest
from django.db import connection

from clients.models import Client
from clients.selectors import client_search_q
from clients.tests import factories as cf


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())


@pytest.mark.django_db
def test_a_search_finds_by_card_number_and_by_name_and_reads_the_indexes():
    shevchenko = cf.ClientFactory(last_name="Shevchenko", first_name="Olena")
    carded = cf.ClientFactory(last_name="Bondar")
    cf.MembershipFactory(client=carded, card_number="AB-7731")
    cf.ClientFactory(last_name="Koval")
    assert list(Client.objects.filter(client_search_q("shevch"))) == [shevchenko]
    assert list(Client.objects.filter(client_search_q("ab-7731"))) == [carded]
    explained = plan(Client.objects.filter(client_search_q("shevch")))
    if connection.vendor == "postgresql":
        assert "membership_card_upper_idx" in explained and "client_search_trgm_idx" in explained
    else:
        assert "SCAN" in explained  # the same statement runs on SQLite, without the indexes
