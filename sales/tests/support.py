"""Helpers the sales tests share: the club's today and a client's recent visits."""

import datetime

from django.utils import timezone

from clients.tests import factories as cf

TODAY = timezone.localdate()
NOW = timezone.now()


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


def visits(client, n, within_days=28):
    for i in range(n):
        cf.VisitFactory(client=client, checked_in_at=NOW - datetime.timedelta(days=i % within_days))
