"""The access matrix: every page of the site and every admin URL of every registered model ×
{anonymous, manager, other manager, specialist, front desk, director} × an object of each owner,
GET and POST.

It is built from the URL resolver (``accompaniment.access.site_pages``) and the admin registry,
so a new page or model is covered without anyone listing it. Each cell's expected answer comes
from the capability module (``core.capabilities``: what each role may do, and its admin
permissions) and from who owns the object — not from the code under test. Every cell asserts:

- no 500;
- the expected answer: the login page for an anonymous visitor, 403 without the capability, 404
  (or 403) for a record of somebody else's, and no refusal where the role may;
- no other manager's client's name, phone or e-mail in the answer, and no client's phone or
  e-mail at all in a specialist's answer;
- a refused POST writes nothing: no INSERT, UPDATE or DELETE reaches the database.
"""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from accompaniment.access import site_pages
from clients.models import Client, ManagerCover, Membership, Notification, Task
from clients.tests import factories as cf
from core import roles
from core.capabilities import (
    ADMIN_PERMISSIONS,
    IMPORT_DATA,
    READ_HISTORY,
    ROLE_CAPABILITIES,
)
from programs.models import ClassBooking, ClassOccurrence, Program, Session
from programs.tests import factories as pf
from sales.models import Offer, Promotion, Recommendation
from sales.tests import factories as sf
from staff.models import Feedback, StaffMember
from staff.tests import factories as stf

from accompaniment.tests.bad_input import TODAY, TOMORROW, make_staff_user, once_per_module, refreshed

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "manager", "other_manager", "specialist", "frontdesk", "director"]
ROLE_OF = {
    "manager": roles.MANAGER, "other_manager": roles.MANAGER, "specialist": roles.SPECIALIST,
    "frontdesk": roles.ADMINISTRATOR, "director": roles.DIRECTOR,
}
# Which side's records each person owns: a manager their clients', a specialist those of the
# clients they serve; the front desk and the director see both.
OWN_SIDE = {"manager": "a", "other_manager": "b", "specialist": "a"}
SIDES = ("a", "b")


# --- the club: two sides, one of every record the admin site registers -----------------------
def build_world():
    users = {
        "manager": make_staff_user(roles.MANAGER, "matrix-manager"),
        "other_manager": make_staff_user(roles.MANAGER, "matrix-other"),
        "specialist": make_staff_user(roles.SPECIALIST, "matrix-trainer"),
        "frontdesk": make_staff_user(roles.ADMINISTRATOR, "matrix-desk"),
        "director": make_staff_user(roles.DIRECTOR, "matrix-boss"),
    }
    other_trainer = make_staff_user(roles.SPECIALIST, "matrix-trainer2")
    department = stf.DepartmentFactory(name="Fitness", code="fitness")
    service = stf.ServiceFactory(department=department, name="Personal training")
    plan = cf.MembershipPlanFactory(name="Gym 30", duration_days=30, max_freeze_days=14)
    trainers = {
        "a": stf.StaffMemberFactory(user=users["specialist"], department=department, first_name="Anna"),
        "b": stf.StaffMemberFactory(user=other_trainer, department=department, first_name="Borys"),
    }
    people = {
        "a": ("Iryna", "Aleksiuk", "+380501110001", "iryna.a@example.com", users["manager"]),
        "b": ("Taras", "Bondarchuk", "+380501110002", "taras.b@example.com", users["other_manager"]),
    }
    sides = {}
    for side, (first, last, phone, email, manager) in people.items():
        client = cf.ClientFactory(
            first_name=first, last_name=last, phone=phone, email=email, assigned_manager=manager,
            consent_email=True,
        )
        membership = cf.MembershipFactory(client=client, plan=plan)
        item = pf.ProgramItemFactory(
            program__client=client, program__manager=manager, service=service, specialist=trainers[side],
        )
        session = pf.SessionFactory(item=item, specialist=trainers[side])
        occurrence = pf.ClassOccurrenceFactory(
            group_class__service=service, group_class__specialist=trainers[side],
            group_class__room=stf.RoomFactory(department=department, name=f"Studio {side}", kind="studio", capacity=12),
            starts_at=timezone.now() + datetime.timedelta(days=3, hours=1 if side == "a" else 3),
        )
        sides[side] = SimpleNamespace(
            client=client, membership=membership, program=item.program, program_item=item,
            session=session, staff_member=trainers[side],
            occurrence=occurrence, group_class=occurrence.group_class,
            class_booking=pf.ClassBookingFactory(occurrence=occurrence, client=client, membership=membership),
            calendar_feed=pf.CalendarFeedFactory(staff_member=trainers[side]),
            freeze=cf.FreezeFactory(membership=membership),
            visit=cf.VisitFactory(client=client, membership=membership),
            interaction=cf.InteractionFactory(client=client, manager=manager),
            task=cf.TaskFactory(client=client, assigned_to=manager),
            measurement=cf.MeasurementFactory(client=client),
            notification=cf.NotificationFactory(client=client, to_address=email),
            health_access=cf.HealthDataAccessFactory(client=client, user=manager),
            erasure=cf.ClientErasureFactory(client=client),
            feedback=stf.FeedbackFactory(
                client=client, staff_member=trainers[side], kind=Feedback.Kind.COMPLAINT, rating=2,
                text="Late again", status=Feedback.Status.RELAYED,
            ),
            survey=stf.SurveyResponseFactory(client=client, staff_member=trainers[side]),
            recommendation=sf.RecommendationFactory(client=client, specialist=trainers[side], service=service),
            offer=sf.OfferFactory(client=client, plan=plan, manager=manager),
            sale=sf.SaleFactory(client=client, department=department, service=service),
            link=cf.ClientLinkFactory(client=client, created_by=manager),
            # over already: it changes nobody's clients while the matrix runs
            cover=ManagerCover.objects.create(
                absent=manager, covering=users["other_manager" if side == "a" else "manager"],
                starts_on=TODAY - datetime.timedelta(days=10), ends_on=TODAY - datetime.timedelta(days=5),
            ),
        )
    template = pf.ProgramTemplateFactory(department=department)
    assessment = stf.CompetencyAssessmentFactory()
    shared = SimpleNamespace(
        department=department, service=service, plan=plan,
        product=sf.ProductFactory(department=department, name="Cream"),
        promotion=sf.PromotionFactory(starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=30)),
        policy=sf.UpsellPolicyFactory(),
        expense=sf.DepartmentExpenseFactory(department=department),
        template=template, template_item=pf.ProgramTemplateItemFactory(template=template, service=service),
        pay_rate=stf.PayRateFactory(staff_member=trainers["a"]),
        assessment=assessment, score=stf.CompetencyScoreFactory(assessment=assessment),
        contraindication=cf.ContraindicationFactory(),
        preference=cf.UserPreferenceFactory(user=users["manager"]),
        staff_notification=cf.NotificationFactory(client=None, user=users["manager"], dedup_key="staff:1"),
        telegram_update=cf.TelegramUpdateFactory(),
        room=stf.RoomFactory(department=department, name="Massage 1"),
        opening_hours=stf.OpeningHoursFactory(),
        holiday=stf.HolidayFactory(),
        working_hours=stf.WorkingHoursFactory(staff_member=trainers["a"]),
        work_exception=stf.WorkExceptionFactory(staff_member=trainers["a"]),
    )
    _third_party_rows(shared, users)
    return SimpleNamespace(users=users, sides=sides, shared=shared)


def _third_party_rows(shared, users):
    """One row of each third-party model the admin site shows (users, login protection, the
    periodic tasks)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    now = timezone.now()
    shared.group = Group.objects.get(name=roles.MANAGER)
    shared.user = users["manager"]
    shared.attempt = AccessAttempt.objects.create(
        username="someone", ip_address="10.0.0.1", user_agent="t", path_info="/login/", failures_since_start=1,
    )
    shared.access_log = AccessLog.objects.create(username="matrix-manager", ip_address="10.0.0.1", user_agent="t")
    shared.failure_log = AccessFailureLog.objects.create(
        username="someone", ip_address="10.0.0.1", user_agent="t", locked_out=False,
    )
    interval = IntervalSchedule.objects.create(every=5, period=IntervalSchedule.MINUTES)
    shared.interval = interval
    shared.crontab = CrontabSchedule.objects.create(minute="7", hour="3")
    shared.clocked = ClockedSchedule.objects.create(clocked_time=now + datetime.timedelta(days=1))
    shared.solar = SolarSchedule.objects.create(event="sunrise", latitude=50.45, longitude=30.52)
    shared.periodic_task = PeriodicTask.objects.create(name="matrix task", task="clients.deliver_outbox", interval=interval)


world_once = once_per_module(build_world)


@pytest.fixture
def world(world_once, db):
    return refreshed(world_once)


# --- what the answers must not show -----------------------------------------------------------
SECRETS = {
    "a": ["Aleksiuk", "iryna.a@example.com", "1110001", "111 0001", "111-00-01"],
    "b": ["Bondarchuk", "taras.b@example.com", "1110002", "111 0002", "111-00-02"],
}
CONTACTS = {side: [s for s in secrets if s != secrets[0]] for side, secrets in SECRETS.items()}


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def assert_nothing_leaked(who: str, response, where: str) -> None:
    if who in ("manager", "other_manager"):
        other = "b" if OWN_SIDE[who] == "a" else "a"
        leaked = [s for s in SECRETS[other] if s in body_of(response)]
        assert not leaked, f"{who} sees the other manager's client ({leaked}) at {where}"
    if who == "specialist":
        html = body_of(response)
        leaked = [s for side in SIDES for s in CONTACTS[side] if s in html]
        leaked += [s for s in SECRETS["b"][:1] if s in html]  # the other trainer's client's name
        assert not leaked, f"the specialist sees {leaked} at {where}"


class WriteCatcher:
    """Records every statement that would change a row (the session store aside)."""

    WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)

    def __init__(self):
        self.writes = []

    def __call__(self, execute, sql, params, many, context):
        if self.WRITE.match(sql) and "django_session" not in sql:
            self.writes.append(sql[:200])
        return execute(sql, params, many, context)


def request(browser, method, url, data):
    catcher = WriteCatcher()
    with connection.execute_wrapper(catcher):
        response = browser.get(url) if method == "GET" else browser.post(url, data or {})
    return response, catcher.writes


def browsers(world) -> dict[str, Browser]:
    found = {"anonymous": Browser()}
    for who in ROLES[1:]:
        found[who] = Browser()
        found[who].force_login(world.users[who])
    return found


# --- site pages ---------------------------------------------------------------------------------
# A page's URL names its records: `<x>_pk` names an x; a plain `pk` the resource named by the
# path segment before it (`clients/<pk>/`, `feedback/<pk>/`).
RECORDS = {
    "client": Client, "clients": Client, "membership": Membership, "memberships": Membership,
    "task": Task, "tasks": Task, "feedback": Feedback, "program": Program, "programs": Program,
    "session": Session, "sessions": Session, "offer": Offer, "offers": Offer,
    "recommendation": Recommendation, "recommendations": Recommendation,
    "promotion": Promotion, "promotions": Promotion, "staff_member": StaffMember, "members": StaffMember,
    "cover": ManagerCover, "occurrence": ClassOccurrence, "booking": ClassBooking,
}
ATTRIBUTE = {
    Client: "client", Membership: "membership", Task: "task", Feedback: "feedback", Program: "program",
    Session: "session", Offer: "offer", Recommendation: "recommendation", StaffMember: "staff_member",
    ManagerCover: "cover", ClassOccurrence: "occurrence", ClassBooking: "class_booking",
}
# Records of a client (managers see their own side; a specialist the sessions, feedback and
# recommendations of their own side); a staff member's page is their own for a specialist.
CLIENT_RECORDS = {Client, Membership, Task, Feedback, Program, Session, Offer, Recommendation, ClassBooking}

# What a POST carries, so that a refused one would have written had it been let in.
PAYLOADS = {
    "clients:edit": {"first_name": "Hacked", "last_name": "X", "phone": "+380501119999", "language": "uk",
                     "source": "walk_in", "preferred_channel": "email"},
    "clients:create": {"first_name": "New", "last_name": "Person", "phone": "+380501119998", "language": "uk",
                       "source": "walk_in", "preferred_channel": "email"},
    "clients:membership-sell": {"plan": "{plan}", "start_date": TODAY.isoformat()},
    "clients:membership-freeze": {"start_date": TODAY.isoformat(), "days": "3", "reason": "Trip"},
    "clients:interaction-create": {"kind": "call", "direction": "out", "summary": "Hello"},
    "clients:task-create": {"title": "Call", "due_date": TOMORROW.isoformat()},
    "clients:measurement-add": {"measured_on": TODAY.isoformat(), "weight_kg": "70"},
    "programs:status": {"status": "cancelled"},
    "programs:session-mark": {"status": "missed"},
    "staff:feedback-create": {"kind": "thanks", "staff_member": "{staff_member}", "channel": "in_person", "text": "Nice"},
    "staff:feedback-resolve": {"resolution": "Sorted"},
    "staff:feedback-answer": {"staff_response": "Sorry"},
    "sales:offer-create": {"service": "{service}", "outcome": "accepted"},
    "sales:offer-outcome": {"outcome": "accepted"},
    "sales:decide": {"decision": "decline", "reason": "Not now"},
    "sales:recommend": {"service": "{service}", "reason": "Good for the back"},
    "sales:promotion": {"send": "1"},
    "staff:assessment-create": {"position": "Manager", "candidate_name": "Petro", "occasion": "hiring",
                                "assessed_on": TODAY.isoformat()},
}


def page_kwargs(page, world, side) -> tuple[dict, object]:
    """The URL's arguments for the records of ``side``, and the record the URL is about."""
    kwargs, record = {}, None
    segments = page.route.split("/")
    for name in re.findall(r"<(?:\w+:)?(\w+)>", page.route):
        if name == "token":
            kwargs[name] = "not-a-valid-token"
            continue
        if name in ("pk", "id"):
            before = segments[[i for i, s in enumerate(segments) if f"{name}>" in s][0] - 1]
            model = RECORDS.get(before)
        else:
            model = RECORDS.get(name.removesuffix("_pk").removesuffix("_id"))
        assert model is not None, (
            f"{page.name} ({page.route}): which record is <{name}>? Name the argument after it "
            f"(client_pk…) or teach this matrix the path segment before it."
        )
        obj = world.shared.promotion if model is Promotion else getattr(world.sides[side], ATTRIBUTE[model])
        kwargs[name] = obj.pk
        record = (model, obj)
    return kwargs, record


def expected_page_answer(page, who, side, record) -> str:
    """'login', 'refused' (403/404) or 'let in', from the capability module and the owner."""
    if who == "anonymous":
        return "open" if page.is_public else "login"
    if page.is_public:
        return "open"
    if not page.allows({ROLE_OF[who]}):
        return "refused"
    if record is not None:
        model, _obj = record
        mine = OWN_SIDE.get(who) in (None, side)
        if model in CLIENT_RECORDS and not mine:
            return "refused"
        if model is StaffMember and who == "specialist" and side != "a":
            return "refused"
    return "let in"


def check_page_cell(page, who, method, side, world, browser):
    kwargs, record = page_kwargs(page, world, side)
    url = reverse(page.name, kwargs=kwargs)
    ids = {"plan": world.shared.plan.pk, "service": world.shared.service.pk,
           "staff_member": world.sides[side].staff_member.pk}
    data = {k: (v.format(**ids) if isinstance(v, str) else v) for k, v in PAYLOADS.get(page.name, {}).items()}
    response, writes = request(browser, method, url, data)
    where = f"{method} {url} as {who}"
    status = response.status_code
    assert status != 500, where
    assert_nothing_leaked(who, response, where)
    expected = expected_page_answer(page, who, side, record)
    if status == 405:  # a POST-only action opened with GET, or the other way round
        assert not writes, where
        return
    if expected == "login":
        assert status == 302 and response["Location"].startswith(reverse("login")), f"{where}: {status}"
    elif expected == "refused":
        assert status in (403, 404), f"{where}: expected a refusal, got {status}"
    elif expected == "let in":
        assert status not in (401, 403, 404), f"{where}: expected to be let in, got {status}"
        if status == 302:
            assert not response["Location"].startswith(reverse("login")), where
    if expected in ("login", "refused"):
        assert not writes, f"{where} was refused but wrote: {writes}"


def test_every_page_declares_who_may_open_it():
    undeclared = [page.name for page in site_pages() if page.needs is None]
    assert undeclared == [], (
        f"{undeclared}: decorate each view with core.capabilities.requires(...) or public"
    )


@pytest.mark.parametrize("page", site_pages(), ids=lambda page: page.name)
def test_access_matrix_of_the_site(page, world):
    """Every page × every role × each side's record, GET then POST (refused ones first: an
    allowed POST may change the records the next cells read)."""
    if page.needs is None:
        pytest.fail(f"{page.name} declares no capability")
    clients = browsers(world)
    cells = [(who, method, side) for method in ("GET", "POST") for who in ROLES for side in SIDES]
    cells.sort(key=lambda cell: (cell[1] == "POST" and
                                 expected_page_answer(page, cell[0], cell[2], page_kwargs(page, world, cell[2])[1]) == "let in",
                                 cell[0] == "director"))
    for who, method, side in cells:
        check_page_cell(page, who, method, side, refreshed(world), clients[who])


# --- the admin site -----------------------------------------------------------------------------
def registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def admin_object(world, model, side):
    """The record of ``model`` of that side (a client's), or the shared one."""
    for name, value in vars(world.sides[side]).items():
        if type(value) is model:
            return value
    for name, value in vars(world.shared).items():
        if type(value) is model:
            return value
    return model._default_manager.order_by("pk").first()


def admin_action(pattern_name: str, opts) -> str:
    return pattern_name.removeprefix(f"{opts.app_label}_{opts.model_name}_")


def expected_admin_answer(who, model, action) -> str:
    """From ADMIN_PERMISSIONS (and READ_HISTORY, IMPORT_DATA): 'login', 'refused' or 'let in'."""
    role = ROLE_OF.get(who)
    if role is None or not ADMIN_PERMISSIONS.get(role):
        return "login"
    granted = set(ADMIN_PERMISSIONS[role].get(model._meta.label_lower, ()))
    if action in ("history", "simple_history"):
        return "let in" if READ_HISTORY in ROLE_CAPABILITIES[role] and granted & {"view", "change"} else "refused"
    needed = {
        "changelist": {"view", "change"}, "change": {"view", "change"}, "export": {"view", "change"},
        "add": {"add"}, "delete": {"delete"}, "password_change": {"change"},
    }.get(action)
    if action in ("import", "process_import"):
        return "let in" if IMPORT_DATA in ROLE_CAPABILITIES[role] and {"add", "change"} <= granted else "refused"
    assert needed is not None, f"{model._meta.label}: no expectation for the admin action {action!r}"
    return "let in" if granted & needed else "refused"


def admin_cells(model, model_admin, world):
    """(action, url, side, post data) for every URL the model's admin has."""
    opts = model._meta
    cells = []
    for pattern in model_admin.get_urls():
        if not pattern.name:
            continue
        action = admin_action(pattern.name, opts)
        names = re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))
        positional = pattern.pattern.regex.groups > 0 and not pattern.pattern.regex.groupindex
        if positional:  # django-simple-history's re_path: (object id, version id)
            names = ["object_id", "version_id"][: pattern.pattern.regex.groups]
        for side in SIDES if names else ("a",):
            obj = admin_object(world, model, side)
            kwargs = {}
            for name in names:
                if name in ("object_id", "id"):
                    kwargs[name] = obj.pk if obj is not None else 999_999
                elif name == "version_id":
                    history = getattr(obj, "history", None)
                    version = history.order_by("pk").first() if history is not None else None
                    kwargs[name] = version.pk if version is not None else 999_999
                else:
                    pytest.fail(f"{pattern.name}: unknown admin URL argument {name!r}")
            url = reverse(f"admin:{pattern.name}", **({"args": list(kwargs.values())} if positional else {"kwargs": kwargs}))
            data = {}
            if action == "delete":
                data = {"post": "yes"}
            elif action == "changelist" and obj is not None:
                data = {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
            cells.append((action, url, side, data))
    return cells


@pytest.mark.parametrize("model", [model for model, _admin in registered()], ids=lambda m: m._meta.label)
def test_access_matrix_of_the_admin_site(model, world):
    """Every admin URL of the model × every role × each side's record, GET and POST; a refused
    POST asks for the deletion of the record (so a missing check would show)."""
    model_admin = admin.site._registry[model]
    clients = browsers(world)
    for action, url, side, data in admin_cells(model, model_admin, world):
        for who in ROLES:
            expected = expected_admin_answer(who, model, action)
            for method in ("GET", "POST"):
                if method == "POST" and expected == "let in":
                    payload = {}  # the allowed roles only look: the record stays for the next cells
                else:
                    payload = data
                response, writes = request(clients[who], method, url, payload)
                where = f"{method} {url} as {who}"
                status = response.status_code
                assert status != 500, where
                assert_nothing_leaked(who, response, where)
                if expected == "login":
                    assert status == 302 and reverse("admin:login") in response["Location"], f"{where}: {status}"
                elif expected == "refused":
                    assert status in (302, 403, 404), f"{where}: expected a refusal, got {status}"
                    if status == 302:  # Django's "doesn't exist" or a log-in redirect, never a page
                        assert not response["Location"].endswith(url), where
                if expected in ("login", "refused"):
                    assert not writes, f"{where} was refused but wrote: {writes}"


def test_the_admin_matrix_has_a_record_of_every_registered_model(world):
    missing = [model._meta.label for model, _ in registered() if not model._default_manager.exists()]
    assert missing == [], f"give the matrix's club a row of {missing}"


@pytest.mark.parametrize("who", ["frontdesk", "director"])
def test_admin_autocompletes_answer_within_the_rules(who, world):
    """Every autocomplete box of every admin: no 500, and only for those who may open the page."""
    browser = browsers(world)[who]
    for model, model_admin in registered():
        for field in model_admin.get_autocomplete_fields(None) if hasattr(model_admin, "get_autocomplete_fields") else ():
            url = reverse("admin:autocomplete") + (
                f"?app_label={model._meta.app_label}&model_name={model._meta.model_name}"
                f"&field_name={field}&term=a"
            )
            response = browser.get(url)
            assert response.status_code in (200, 403), f"{url}: {response.status_code}"


def test_the_matrix_is_big_enough(world, capsys):
    """The matrix covers every page and every admin URL it should (a guard against a silent
    empty parametrisation); its size is printed for the record."""
    site_cells = len(site_pages()) * 2 * len(ROLES) * len(SIDES)
    admin_cells_count = sum(
        len(admin_cells(model, model_admin, world)) for model, model_admin in registered()
    ) * 2 * len(ROLES)
    with capsys.disabled():
        print(f"\naccess matrix: {len(site_pages())} pages, {len(registered())} admin models, "
              f"{site_cells} site cells + {admin_cells_count} admin cells")
    assert len(site_pages()) >= 40 and len(registered()) >= 40
    assert site_cells + admin_cells_count > 5000


# --- the admin site's own rules, whoever it is opened to -------------------------------------
@pytest.mark.parametrize(
    "model", [model for model, model_admin in registered() if getattr(model_admin, "client_path", None) is not None],
    ids=lambda m: m._meta.label,
)
def test_every_admin_of_a_clients_rows_lists_only_the_clients_one_sees(model, world, rf):
    """The site narrows each such admin by the pages' visibility rule (lists, change and delete
    pages, history, exports, searches and autocompletes all start from ``get_queryset``): were a
    manager let in, they would see their own clients' rows only; the front desk sees all."""
    model_admin = admin.site._registry[model]
    own = admin_object(world, model, "a")
    theirs = admin_object(world, model, "b")
    assert own is not None and theirs is not None and own.pk != theirs.pk
    for who, sees_theirs in (("manager", False), ("frontdesk", True), ("director", True)):
        request = rf.get("/admin/")
        request.user = world.users[who]
        rows = set(model_admin.get_queryset(request).values_list("pk", flat=True))
        assert own.pk in rows, who
        assert (theirs.pk in rows) is sees_theirs, who


def test_the_admins_phone_search_stays_within_the_clients_one_sees(world, rf):
    model_admin = admin.site._registry[Client]
    request = rf.get("/admin/")
    request.user = world.users["manager"]
    queryset = model_admin.get_queryset(request)
    found, _ = model_admin.get_search_results(request, queryset, "1110002")
    assert list(found) == []
    found, _ = model_admin.get_search_results(request, queryset, "050 111 00 01")
    assert [c.pk for c in found] == [world.sides["a"].client.pk]


@pytest.mark.parametrize("model", [Client, Membership, Notification, Task], ids=lambda m: m._meta.label)
def test_the_history_of_a_row_is_the_directors(model, world):
    obj = admin_object(world, model, "a")
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[obj.pk])
    clients = browsers(world)
    assert clients["director"].get(url).status_code == 200
    assert clients["frontdesk"].get(url).status_code == 403
