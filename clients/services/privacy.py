"""The log of who opened a client's health data."""

from collections.abc import Iterable

from ..models import Client, HealthDataAccess


def health_data_opened(*, user, clients: Iterable[Client | int], place: str) -> int:
    """Record that ``user`` was shown the health data of ``clients`` on ``place`` (one row per
    client, one INSERT whatever their number). Anonymous viewers are not logged: no page shows
    health data to them."""
    if user is None or not user.is_authenticated:
        return 0
    ids = {client if isinstance(client, int) else client.pk for client in clients}
    rows = [HealthDataAccess(client_id=pk, user=user, place=place) for pk in sorted(ids)]
    HealthDataAccess.objects.bulk_create(rows)
    return len(rows)
