"""Covering for a colleague: a cover extends the visibility rule within its dates only, and
reassigning keeps the client's history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clients.models import Task
from clients.selectors import clients_visible_to, tasks_visible_to
from clients.services import clients_reassign, conversation_recipient, cover_end, cover_set, interaction_log
from clients.tests import factories as cf
from core import roles

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def team(make_user):
    away = make_user(roles.MANAGER, username="away")
    cover = make_user(roles.MANAGER, username="cover")
    boss = make_user(roles.DIRECTOR, username="boss")
    client = cf.ClientFactory(first_name="Halyna", assigned_manager=away)
    task = cf.TaskFactory(client=client, assigned_to=away, title="Call Halyna", due_date=TODAY)
    return away, cover, boss, client, task


@pytest.mark.parametrize("starts,ends,sees", [
    (0, 0, True), (-3, 3, True), (1, 5, False), (-5, -1, False),
])
def test_a_covering_manager_sees_the_absent_ones_clients_only_within_the_dates(team, starts, ends, sees):
    away, cover, boss, client, task = team
    cover_set(absent=away, covering=cover, starts_on=TODAY + starts * DAY, ends_on=TODAY + ends * DAY, by=boss)
    assert clients_visible_to(cover).filter(pk=client.pk).exists() is sees
    assert tasks_visible_to(cover).filter(pk=task.pk).exists() is sees
    assert clients_visible_to(away).filter(pk=client.pk).exists()  # the absent manager keeps them
    assert (conversation_recipient(client) == cover) is sees


def test_the_card_and_the_task_open_for_the_cover_and_close_after(client, team):
    away, cover, boss, halyna, task = team
    cover_row = cover_set(absent=away, covering=cover, starts_on=TODAY, ends_on=TODAY + DAY, by=boss)
    client.force_login(cover)
    assert client.get(reverse("client-card", args=[halyna.pk])).status_code == 200
    assert "Call Halyna" in client.get(reverse("home")).content.decode()
    client.post(reverse("clients:task-done", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    cover_end(cover=cover_row, on=TODAY + DAY)  # ends today: yesterday was its last day
    cover_row.refresh_from_db()
    assert cover_row.ends_on == TODAY
    cover_end(cover=cover_row, on=TODAY + 2 * DAY)
    assert cover_row.ends_on == TODAY


def test_a_cover_ending_before_tomorrow_closes_the_card(client, team):
    away, cover, boss, halyna, _task = team
    cover_set(absent=away, covering=cover, starts_on=TODAY - 3 * DAY, ends_on=TODAY - DAY, by=boss)
    client.force_login(cover)
    assert client.get(reverse("client-card", args=[halyna.pk])).status_code == 404


def test_overlapping_covers_and_covering_oneself_are_refused(team):
    away, cover, boss, _client, _task = team
    cover_set(absent=away, covering=cover, starts_on=TODAY, ends_on=TODAY + 5 * DAY, by=boss)
    with pytest.raises(ValidationError, match="already"):
        cover_set(absent=away, covering=boss, starts_on=TODAY + 5 * DAY, ends_on=TODAY + 6 * DAY, by=boss)
    with pytest.raises(ValidationError):
        cover_set(absent=cover, covering=cover, starts_on=TODAY, ends_on=TODAY, by=boss)
    with pytest.raises(ValidationError, match="away"):
        cover_set(absent=boss, covering=away, starts_on=TODAY, ends_on=TODAY, by=boss)


def test_reassigning_keeps_the_history_and_moves_the_open_tasks(team):
    away, cover, boss, halyna, task = team
    interaction_log(client=halyna, manager=away, kind="call", summary="Talked about yoga")
    done = cf.TaskFactory(client=halyna, assigned_to=away, status=Task.Status.DONE, completed_at=timezone.now())
    assert clients_reassign(clients=halyna.__class__.objects.filter(pk=halyna.pk), to=cover, by=boss) == 1
    halyna.refresh_from_db()
    task.refresh_from_db()
    done.refresh_from_db()
    assert halyna.assigned_manager == cover
    assert (task.assigned_to, done.assigned_to) == (cover, away)
    assert halyna.interactions.get().manager == away  # who did what stays as it was
    latest = halyna.history.order_by("-history_date").first()
    assert (latest.assigned_manager_id, latest.history_user) == (cover.pk, boss)
    assert latest.prev_record.assigned_manager_id == away.pk


def test_the_director_reassigns_the_client_lists_filtered_set(client, team, make_user):
    away, cover, boss, halyna, _task = team
    other = cf.ClientFactory(first_name="Stays", assigned_manager=make_user(roles.MANAGER, username="third"))
    cf.ClientFactory(first_name="Also", assigned_manager=away)
    client.force_login(boss)
    listed = client.get(reverse("clients:list") + f"?manager={away.pk}").content.decode()
    assert f'href="{reverse("clients:reassign")}?manager={away.pk}"' in listed  # the list's own filters
    url = reverse("clients:reassign") + f"?manager={away.pk}"
    page = client.get(url).content.decode()
    assert "2 clients will be reassigned." in page
    client.post(url, {"to": cover.pk})
    assert set(clients_visible_to(cover).values_list("first_name", flat=True)) == {"Halyna", "Also"}
    other.refresh_from_db()
    assert other.assigned_manager.username == "third"
    client.force_login(away)
    assert client.get(reverse("clients:reassign")).status_code == 403


def test_the_director_sets_a_cover_on_its_page_with_errors_next_to_the_fields(client, team):
    away, cover, boss, _client, _task = team
    client.force_login(boss)
    response = client.post(reverse("clients:covers"), {"absent": away.pk, "covering": away.pk,
                                                       "starts_on": "07.12.2026", "ends_on": "01.12.2026"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "A manager cannot cover for themselves." in html and "The cover ends on or after its first day." in html
    client.post(reverse("clients:covers"), {"absent": away.pk, "covering": cover.pk,
                                            "starts_on": TODAY.strftime("%d.%m.%Y"), "ends_on": TODAY.strftime("%d.%m.%Y")})
    assert clients_visible_to(cover).count() == 1
