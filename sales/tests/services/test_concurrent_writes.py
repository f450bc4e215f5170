"""Simultaneous writes on PostgreSQL, each from its own thread with its own connection, released
together by a barrier: a card sold twice at the same moment is sold once, and a pack with one
visit left lets exactly one of six simultaneous check-ins in.

SQLite serializes writers anyway: these run in the PostgreSQL pass of CI (DATABASE_URL set)."""

import threading
import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from clients.models import Membership, Visit
from clients.services import visit_check_in
from clients.tests import factories as cf
from conftest import service_url_or_skip
from sales import services
from sales.models import Sale

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fitness")]


@pytest.fixture(autouse=True)
def _postgres():
    service_url_or_skip("DATABASE_URL")
    if connection.vendor != "postgresql":
        pytest.fail("DATABASE_URL is set but the tests do not run on PostgreSQL")


def at_once(count: int, action) -> tuple[list, list[Exception]]:
    """Run ``action(n)`` in ``count`` threads released together; their results and errors."""
    barrier = threading.Barrier(count)
    results, errors, lock = [], [], threading.Lock()

    def run(number):
        try:
            barrier.wait(timeout=10)
            result = action(number)
            with lock:
                results.append(result)
        except Exception as error:  # noqa: BLE001 - collected and asserted by the test
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def test_two_simultaneous_sells_of_one_form_sell_one_card(plan, manager):
    member = cf.ClientFactory()

    sold, refused = at_once(2, lambda _n: services.membership_sell(
        client=member, plan=plan, start_date=timezone.localdate(), seller=manager,
        card_number="CARD-1", idempotency_key="form-token-1",
    ))

    assert len(sold) == 1 and len(refused) == 1
    assert isinstance(refused[0], services.AlreadySold) and refused[0].membership == sold[0]
    assert Membership.objects.count() == Sale.objects.count() == 1


def test_two_simultaneous_sells_of_one_card_number_to_two_clients_sell_one(plan, manager):
    buyers = [cf.ClientFactory(), cf.ClientFactory()]

    sold, refused = at_once(2, lambda n: services.membership_sell(
        client=buyers[n], plan=plan, start_date=timezone.localdate(), seller=manager,
        card_number="CARD-1", idempotency_key=f"form-of-buyer-{n}",
    ))

    assert len(sold) == 1 and len(refused) == 1
    assert refused[0].message_dict == {"card_number": ["A membership with this card number already exists."]}
    assert Membership.objects.count() == Sale.objects.count() == 1


def test_six_simultaneous_check_ins_on_a_pack_with_one_visit_left_let_one_in(plan, frontdesk):
    card = cf.MembershipFactory(plan__visit_limit=10, visit_limit=10, visits_used=9)

    visits, refused = at_once(6, lambda _n: visit_check_in(client=card.client, user=frontdesk, again=True))

    assert len(visits) == 1 and len(refused) == 5
    assert all(isinstance(error, ValidationError) for error in refused)
    assert all("has no visits left (10 of 10 used)" in " ".join(error.messages) for error in refused)
    assert Visit.objects.count() == 1
    assert Membership.objects.get(pk=card.pk).visits_used == 10
