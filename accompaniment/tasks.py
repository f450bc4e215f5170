from celery import shared_task
from django.db import connection


@shared_task(name="accompaniment.worker_status")
def worker_status() -> dict:
    """Tell which database a worker reaches and how many clients it sees there.

    Operators use it to check that workers are up and configured like the web processes:
    `celery -A accompaniment call accompaniment.worker_status`.
    """
    from clients.models import Client

    return {"database": connection.vendor, "clients": Client.objects.count()}
