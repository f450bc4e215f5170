"""Who may open which page of the workspace: one matrix over every URL and every role.

A manager works with the clients assigned to them (another manager's client does not even
admit to existing: 404); the director and the front desk see all; a specialist reaches only
their own sessions, with no contact details; anonymous visitors go to the login page.
"""

import pytest
from django.urls import reverse

from core import roles
from clients.tests import factories as cf
from programs.tests import factories as pf
from staff.tests import factories as stf

ANON, OWNER, OTHER_MANAGER, SPECIALIST, DIRECTOR, FRONTDESK = (
    "anonymous", "owner", "other manager", "specialist", "director", "front desk"
)
LOGIN = "login"


@pytest.fixture
def world(db, make_user):
    owner = make_user(roles.MANAGER, username="owner")
    other = make_user(roles.MANAGER, username="other")
    specialist_user = make_user(roles.SPECIALIST, username="spec")
    department = stf.DepartmentFactory()
    specialist = stf.StaffMemberFactory(user=specialist_user, department=department)
    client = cf.ClientFactory(
        assigned_manager=owner, phone="+380671112233", email="secret.client@example.com",
        address="Khreshchatyk 1",
    )
    membership = cf.MembershipFactory(client=client)
    task = cf.TaskFactory(client=client, assigned_to=owner)
    item = pf.ProgramItemFactory(
        program__client=client, service__department=department, specialist=specialist
    )
    session = pf.SessionFactory(item=item, specialist=specialist)
    users = {
        OWNER: owner,
        OTHER_MANAGER: other,
        SPECIALIST: specialist_user,
        DIRECTOR: make_user(roles.DIRECTOR, username="boss"),
        FRONTDESK: make_user(roles.ADMINISTRATOR, username="desk"),
    }
    return {
        "users": users, "client": client, "membership": membership, "task": task,
        "program": item.program, "session": session,
    }


def url_for(name, w):
    c, m, p = w["client"].pk, w["membership"].pk, w["program"].pk
    return {
        "home": reverse("home"),
        "client list": reverse("clients:list"),
        "client search": reverse("clients:list") + "?q=secret",
        "new client": reverse("clients:create"),
        "client card": reverse("client-card", args=[c]),
        "edit client": reverse("clients:edit", args=[c]),
        "sell membership": reverse("sales:membership-sell", args=[c]),
        "freeze": reverse("clients:membership-freeze", args=[c, m]),
        "log interaction": reverse("clients:interaction-create", args=[c]),
        "new task": reverse("clients:task-create", args=[c]),
        "new measurement": reverse("clients:measurement-add", args=[c]),
        "new program": reverse("programs:create", args=[c]),
        "program": reverse("programs:detail", args=[p]),
        "print program": reverse("programs:print", args=[p]),
        "my sessions": reverse("programs:my-sessions"),
        "dashboard": reverse("dashboard"),
        "check in (POST)": reverse("clients:check-in", args=[c]),
        "task done (POST)": reverse("clients:task-done", args=[w["task"].pk]),
        "program status (POST)": reverse("programs:status", args=[p]),
        "mark session (POST)": reverse("programs:session-mark", args=[w["session"].pk]),
    }[name]


CLIENT_PAGE = {ANON: LOGIN, OWNER: 200, OTHER_MANAGER: 404, SPECIALIST: 403, DIRECTOR: 200, FRONTDESK: 200}
LIST_PAGE = {ANON: LOGIN, OWNER: 200, OTHER_MANAGER: 200, SPECIALIST: 403, DIRECTOR: 200, FRONTDESK: 200}
CLIENT_POST = {ANON: LOGIN, OWNER: 302, OTHER_MANAGER: 404, SPECIALIST: 403, DIRECTOR: 302, FRONTDESK: 302}
# The manager's relationship work (programs, calls, tasks): not the front desk's.
RELATIONSHIP_PAGE = {**CLIENT_PAGE, FRONTDESK: 403}
RELATIONSHIP_POST = {**CLIENT_POST, FRONTDESK: 403}

MATRIX = {
    "home": {ANON: LOGIN, OWNER: 200, OTHER_MANAGER: 200, SPECIALIST: 302, DIRECTOR: 302, FRONTDESK: 302},
    "client list": LIST_PAGE,
    "client search": LIST_PAGE,
    "new client": LIST_PAGE,
    "client card": CLIENT_PAGE,
    "edit client": CLIENT_PAGE,
    "sell membership": CLIENT_PAGE,
    "freeze": CLIENT_PAGE,
    "log interaction": RELATIONSHIP_PAGE,
    "new task": RELATIONSHIP_PAGE,
    "new measurement": CLIENT_PAGE,
    "new program": RELATIONSHIP_PAGE,
    "program": RELATIONSHIP_PAGE,
    "print program": RELATIONSHIP_PAGE,
    "my sessions": {ANON: LOGIN, OWNER: 403, OTHER_MANAGER: 403, SPECIALIST: 200, DIRECTOR: 403, FRONTDESK: 403},
    "dashboard": {ANON: LOGIN, OWNER: 403, OTHER_MANAGER: 403, SPECIALIST: 403, DIRECTOR: 200, FRONTDESK: 403},
    "check in (POST)": CLIENT_POST,
    "task done (POST)": RELATIONSHIP_POST,
    "program status (POST)": RELATIONSHIP_POST,
    "mark session (POST)": {ANON: LOGIN, OWNER: 302, OTHER_MANAGER: 404, SPECIALIST: 302, DIRECTOR: 302, FRONTDESK: 403},
}
CASES = [(page, role, expected) for page, row in MATRIX.items() for role, expected in row.items()]


@pytest.mark.parametrize("page, role, expected", CASES, ids=[f"{p}-{r}" for p, r, _ in CASES])
def test_access_matrix(client, world, page, role, expected):
    if role != ANON:
        client.force_login(world["users"][role])
    url = url_for(page, world)
    if page.endswith("(POST)"):
        data = {"status": "done"} if page == "mark session (POST)" else {"status": "active"}
        response = client.post(url, data)
    else:
        response = client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected


def test_other_managers_clients_are_not_listed(client, world):
    client.force_login(world["users"][OTHER_MANAGER])
    html = client.get(reverse("clients:list") + "?q=secret").content.decode()
    assert world["client"].last_name not in html
    client.force_login(world["users"][OWNER])
    html = client.get(reverse("clients:list") + "?q=secret").content.decode()
    assert world["client"].last_name in html


def test_a_specialist_sees_names_and_health_flags_but_never_contacts(client, world):
    flag = cf.ContraindicationFactory(name="Hypertension")
    world["client"].contraindications.add(flag)
    client.force_login(world["users"][SPECIALIST])
    html = client.get(reverse("programs:my-sessions")).content.decode()
    assert world["client"].full_name in html
    assert "Hypertension" in html
    for secret in ("+380", "67 111", "secret.client@example.com", "Khreshchatyk"):
        assert secret not in html


def test_a_specialist_cannot_mark_someone_elses_session(client, world, make_user):
    stranger_user = make_user(roles.SPECIALIST, username="stranger")
    stf.StaffMemberFactory(user=stranger_user)
    client.force_login(stranger_user)
    response = client.post(
        reverse("programs:session-mark", args=[world["session"].pk]), {"status": "done"}
    )
    assert response.status_code == 404  # not theirs: it does not even admit to existing
    world["session"].refresh_from_db()
    assert world["session"].status == "planned"


def test_another_managers_task_cannot_be_closed(client, world):
    client.force_login(world["users"][OTHER_MANAGER])
    response = client.post(reverse("clients:task-done", args=[world["task"].pk]))
    assert response.status_code == 404
    world["task"].refresh_from_db()
    assert world["task"].status == "open"
