"""The client pages through the test client: forms explain bad input next to the field and
save nothing half-done; actions do what the card promises."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Freeze, Interaction, Measurement, Membership, Task, Visit
from clients.tests import factories as cf
from core import roles

TODAY = timezone.localdate()


@pytest.fixture
def own_client(manager):
    return cf.ClientFactory(
        first_name="Iryna", last_name="Bondarenko", phone="+380501234567",
        email="iryna@example.com", assigned_manager=manager,
    )


@pytest.fixture
def as_manager(client, manager):
    client.force_login(manager)
    return client


def new_client_data(**changes):
    data = {
        "first_name": "Oksana", "last_name": "Tkachenko", "phone": "067 765-43-21",
        "email": "oksana@example.com", "language": "uk", "source": "walk_in",
        "preferred_channel": "email",
    }
    data.update(changes)
    return data


def test_a_new_client_gets_a_normalized_phone_and_their_manager(as_manager, manager):
    response = as_manager.post(reverse("clients:create"), new_client_data())
    client = Client.objects.get(first_name="Oksana")
    assert response.status_code == 302
    assert response["Location"] == reverse("client-card", args=[client.pk])
    assert client.phone.as_e164 == "+380677654321"
    assert client.assigned_manager == manager
    assert client.created_by == manager


@pytest.mark.parametrize("phone", ["050 123-45-67", "+38 (050) 123 45 67", "0501234567"])
def test_a_duplicate_phone_is_refused_with_a_link_to_the_card(as_manager, own_client, phone):
    response = as_manager.post(reverse("clients:create"), new_client_data(phone=phone))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This client is already in the database:" in html
    assert reverse("client-card", args=[own_client.pk]) in html
    assert Client.objects.count() == 1


def test_a_duplicate_email_in_other_case_is_refused(as_manager, own_client):
    response = as_manager.post(reverse("clients:create"), new_client_data(email="IRYNA@example.com"))
    assert "This client is already in the database:" in response.content.decode()
    assert Client.objects.count() == 1


def test_a_duplicate_of_another_managers_client_does_not_reveal_the_card(as_manager, make_user):
    from core import roles

    cf.ClientFactory(phone="+380931112233", assigned_manager=make_user(roles.MANAGER))
    response = as_manager.post(reverse("clients:create"), new_client_data(phone="093 111 22 33"))
    html = response.content.decode()
    assert "already used by a client of another manager" in html
    assert "/clients/" not in html.split("already used by a client")[0][-200:]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"phone": "12345"}, "phone", "Enter a valid phone number"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address"),
        ({"birth_date": (TODAY + datetime.timedelta(days=1)).isoformat()}, "birth_date", "cannot be in the future"),
        ({"first_name": ""}, "first_name", "This field is required"),
        ({"phone": "", "email": ""}, None, "Enter a phone number or an e-mail"),
        ({"preferred_channel": "telegram"}, "telegram_chat_id", "Telegram chat id"),
        ({"referred_by_lookup": "+380999999999"}, "referred_by_lookup", "No client has this phone"),
    ],
)
def test_bad_client_input_is_explained_and_nothing_is_saved(as_manager, changes, field, message):
    response = as_manager.post(reverse("clients:create"), new_client_data(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field or "__all__", [])
    assert any(message in str(error) for error in errors), form.errors
    assert not Client.objects.exists()


def test_a_referral_is_linked_by_the_referrers_phone(as_manager, own_client):
    as_manager.post(reverse("clients:create"), new_client_data(referred_by_lookup="050 123 45 67"))
    assert Client.objects.get(first_name="Oksana").referred_by == own_client


def test_editing_keeps_the_manager_and_saves_health_flags(as_manager, own_client, manager):
    flag = cf.ContraindicationFactory(name="Pregnancy")
    data = new_client_data(
        first_name="Iryna", phone="+380501234567", email="iryna@example.com",
        contraindications=[flag.pk], health_notes="Second trimester",
    )
    response = as_manager.post(reverse("clients:edit", args=[own_client.pk]), data)
    assert response.status_code == 302
    own_client.refresh_from_db()
    assert list(own_client.contraindications.all()) == [flag]
    assert own_client.assigned_manager == manager


def test_a_manager_cannot_reassign_a_client_but_the_director_can(client, own_client, director, make_user):
    from core import roles

    other = make_user(roles.MANAGER, username="second")
    client.force_login(director)
    data = new_client_data(first_name="Iryna", phone="+380501234567", email="iryna@example.com",
                           assigned_manager=other.pk)
    client.post(reverse("clients:edit", args=[own_client.pk]), data)
    own_client.refresh_from_db()
    assert own_client.assigned_manager == other


def test_the_client_list_searches_by_phone_in_any_format(as_manager, own_client):
    cf.ClientFactory(first_name="Petro", assigned_manager=own_client.assigned_manager)
    for typed in ("050 123-45-67", "123-45-67", "Bondar", "iryna@EXAMPLE.com"):
        page = as_manager.get(reverse("clients:list"), {"q": typed}).context["page"]
        assert [c.pk for c in page] == [own_client.pk], typed


def test_the_client_list_filters_expiring_and_expired(as_manager, manager):
    soon = cf.ClientFactory(assigned_manager=manager)
    cf.MembershipFactory(client=soon, start_date=TODAY - datetime.timedelta(days=20),
                         end_date=TODAY + datetime.timedelta(days=3))
    later = cf.ClientFactory(assigned_manager=manager)
    cf.MembershipFactory(client=later, start_date=TODAY, end_date=TODAY + datetime.timedelta(days=60))
    gone = cf.ClientFactory(assigned_manager=manager)
    cf.MembershipFactory(client=gone, start_date=TODAY - datetime.timedelta(days=90),
                         end_date=TODAY - datetime.timedelta(days=1))
    cf.ClientFactory(assigned_manager=manager)  # no membership

    def listed(**params):
        return {c.pk for c in as_manager.get(reverse("clients:list"), params).context["page"]}

    assert listed(expires_within=7) == {soon.pk}
    assert listed(membership="expired") == {gone.pk}
    assert listed(membership="active") == {soon.pk, later.pk}
    assert len(listed(membership="none")) == 1


def test_the_client_list_says_how_many_clients_it_holds_filtered_or_not(client, director, manager, make_user):
    """Unfiltered (or only sorted) the count comes from the clients per manager, filtered it is
    counted: either way it is the number of clients listed, for the director and a manager."""
    other = make_user(roles.MANAGER)
    for who, many in ((manager, 3), (other, 2), (None, 1)):
        cf.ClientFactory.create_batch(many, assigned_manager=who, stage=Client.Stage.TRUST)
    cf.ClientFactory(assigned_manager=manager, stage=Client.Stage.LOYALTY)

    def count(user, **params):
        client.force_login(user)
        response = client.get(reverse("clients:list"), params)
        shown = re.search(r'data-testid="client-count">(\d+)<', response.content.decode()).group(1)
        assert int(shown) == response.context["page"].paginator.count
        return int(shown)

    assert count(director) == count(director, sort="-created") == count(director, q="", stage="") == 7
    assert count(director, stage="trust") == 6
    assert count(director, manager=other.pk) == 2
    assert count(manager) == count(manager, sort="name") == 4
    assert count(manager, stage="loyalty") == 1


def test_a_bad_filter_value_is_explained_not_a_500(as_manager):
    response = as_manager.get(reverse("clients:list"), {"expires_within": "soon", "stage": "boss"})
    assert response.status_code == 200
    assert response.context["filter"].errors


def test_a_freeze_beyond_the_allowance_is_explained_next_to_the_days(as_manager, own_client):
    membership = cf.MembershipFactory(client=own_client, plan__max_freeze_days=10)
    url = reverse("clients:membership-freeze", args=[own_client.pk, membership.pk])
    response = as_manager.post(url, {"start_date": TODAY.isoformat(), "days": 11, "reason": "Trip"})
    assert "10 more freeze days" in str(response.context["form"].errors["days"])
    assert not Freeze.objects.exists()
    response = as_manager.post(url, {"start_date": TODAY.isoformat(), "days": 7, "reason": "Trip"})
    assert response.status_code == 302
    old_end = membership.end_date
    membership.refresh_from_db()
    assert membership.end_date == old_end + datetime.timedelta(days=7)


def test_check_in_counts_a_visit_and_shows_what_is_left(as_manager, own_client):
    cf.MembershipFactory(client=own_client, plan__visit_limit=8)
    response = as_manager.post(reverse("clients:check-in", args=[own_client.pk]), follow=True)
    assert "Visits left: 7." in response.content.decode()
    assert Visit.objects.filter(client=own_client).count() == 1


def test_check_in_on_a_frozen_membership_is_refused(as_manager, own_client):
    membership = cf.MembershipFactory(client=own_client)
    cf.FreezeFactory(membership=membership, start_date=TODAY, end_date=TODAY + datetime.timedelta(days=6))
    response = as_manager.post(reverse("clients:check-in", args=[own_client.pk]), follow=True)
    assert "Check-in refused" in response.content.decode()
    assert "is frozen until" in response.content.decode()
    assert not Visit.objects.exists()
    assert Membership.objects.get().visits_used == 0


def test_a_second_check_in_the_same_day_asks_and_checks_in_again_when_confirmed(as_manager, own_client):
    membership = cf.MembershipFactory(client=own_client, card_number="CARD-5", plan__visit_limit=8)
    url = reverse("clients:check-in", args=[own_client.pk])
    as_manager.post(url)
    first = Visit.objects.get()

    asked = as_manager.post(url)

    assert asked.status_code == 200
    text = asked.content.decode()
    at = timezone.localtime(first.checked_in_at).strftime("%H:%M")
    assert f"Card CARD-5 was checked in already today at {at}." in text
    assert 'name="confirm" value="1"' in text and "Check in again" in text
    assert Membership.objects.get(pk=membership.pk).visits_used == 1

    done = as_manager.post(url, {"confirm": "1"}, follow=True)
    assert "Visits left: 6." in done.content.decode()
    assert Membership.objects.get(pk=membership.pk).visits_used == 2


def test_logging_an_interaction_keeps_its_direction(as_manager, own_client):
    as_manager.post(
        reverse("clients:interaction-create", args=[own_client.pk]),
        {"kind": "call", "direction": "in", "summary": "She called about the pool"},
    )
    assert Interaction.objects.get().direction == "in"


def test_logging_an_interaction_with_a_follow_up(as_manager, own_client, manager):
    response = as_manager.post(
        reverse("clients:interaction-create", args=[own_client.pk]),
        {"kind": "call", "direction": "out", "summary": "Discussed goals",
         "follow_up_title": "Send the program", "follow_up_due": TODAY.isoformat()},
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.interaction == Interaction.objects.get()
    assert task.assigned_to == manager


def test_a_follow_up_date_without_a_title_saves_nothing(as_manager, own_client):
    response = as_manager.post(
        reverse("clients:interaction-create", args=[own_client.pk]),
        {"kind": "call", "direction": "out", "summary": "Talked", "follow_up_due": TODAY.isoformat()},
    )
    assert "Name the follow-up task" in str(response.context["form"].errors)
    assert not Interaction.objects.exists() and not Task.objects.exists()


def test_the_intro_visit_link_preselects_the_kind(as_manager, own_client):
    response = as_manager.get(
        reverse("clients:interaction-create", args=[own_client.pk]), {"kind": "intro_visit"}
    )
    assert response.context["form"].initial.get("kind") == "intro_visit"


def test_marking_a_task_done_from_today(as_manager, own_client, manager):
    task = cf.TaskFactory(client=own_client, assigned_to=manager, due_date=TODAY)
    response = as_manager.post(reverse("clients:task-done", args=[task.pk]), {"next": reverse("home")})
    assert response["Location"] == reverse("home")
    task.refresh_from_db()
    assert task.status == Task.Status.DONE


def test_a_measurement_in_the_future_or_empty_is_refused(as_manager, own_client):
    url = reverse("clients:measurement-add", args=[own_client.pk])
    future = (TODAY + datetime.timedelta(days=2)).isoformat()
    response = as_manager.post(url, {"measured_on": future, "weight_kg": "70"})
    assert "cannot be dated in the future" in str(response.context["form"].errors)
    response = as_manager.post(url, {"measured_on": TODAY.isoformat()})
    assert "at least one measured value" in str(response.context["form"].errors)
    response = as_manager.post(url, {"measured_on": TODAY.isoformat(), "weight_kg": "70.5"})
    assert response.status_code == 302
    assert Measurement.objects.get().weight_kg == 70.5
