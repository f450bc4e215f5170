"""*My sessions*: the specialist's day first, then the days after, a page at a time; done or missed
only for a session that has started; names and health flags, never contacts."""

import datetime

from django.urls import reverse
from django.utils import timezone

from core.dates import day_start
from programs.tests import factories as pf
from staff.tests import factories as stf


def test_my_sessions_come_by_day_today_first_and_a_page_at_a_time(client, specialist_user):
    member = stf.StaffMemberFactory(user=specialist_user)
    item = pf.ProgramItemFactory(specialist=member, program__client__phone="+380501234567",
                                 program__client__first_name="Iryna")
    now = timezone.now()
    # Ten minutes ago, but today: at 00:05 ten minutes ago is yesterday, which the page leaves out.
    started = pf.SessionFactory(
        item=item, scheduled_at=max(now - datetime.timedelta(minutes=10), day_start(timezone.localdate())))
    later = pf.SessionFactory(item=item, scheduled_at=now + datetime.timedelta(days=2))
    client.force_login(specialist_user)

    response = client.get(reverse("programs:my-sessions"))
    html = response.content.decode()
    days = response.context["days"]
    assert [day for day, _ in days] == [timezone.localdate(started.scheduled_at), timezone.localdate(later.scheduled_at)]
    assert html.count('data-testid="session-day"') == 2 and "Iryna" in html and "1234567" not in html
    mark = reverse("programs:session-mark", args=[started.pk])
    assert mark in html and reverse("programs:session-mark", args=[later.pk]) not in html

    for hours in range(3, 3 + 35 * 2, 2):  # 35 more, one after another
        pf.SessionFactory(item=item, scheduled_at=now + datetime.timedelta(days=3, hours=hours))
    first = client.get(reverse("programs:my-sessions"))
    second = client.get(reverse("programs:my-sessions"), {"page": 2})
    assert sum(len(s) for _, s in first.context["days"]) == 30
    assert sum(len(s) for _, s in second.context["days"]) == 7
    assert "page=2" in first.content.decode()
