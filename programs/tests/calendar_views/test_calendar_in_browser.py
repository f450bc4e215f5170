"""The calendar in Chromium, as a manager uses it: plan a program on it and confirm; drag a
session to a free time (saved) and onto a busy one (it snaps back and the reason is shown); and a
phone's width."""

import datetime

import pytest
from playwright.sync_api import expect
from django.utils import timezone

from conftest import log_in, screenshot
from programs.models import Program, Session
from programs.tests import factories as pf
from programs.tests.calendar.support import MONDAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_day(page, day=MONDAY, by="specialists"):
    page.goto(f"/programs/calendar/?view=day&date={day.isoformat()}&by={by}")
    page.locator(".ec-event:not(.ec-bg-event)").first.wait_for()


def box(locator) -> dict:
    """Where ``locator`` is once the calendar has drawn it (it redraws after each answer)."""
    for _attempt in range(20):
        locator.wait_for()
        found = locator.bounding_box()
        if found:
            return found
        locator.page.wait_for_timeout(100)
    raise AssertionError(f"{locator} is not drawn")


def drag(page, event, *, hours_after_ten: int, column: int):
    """Drag ``event`` by its top to ``hours_after_ten`` hours after 10:00 in the ``column``-th
    column (from 0), as a mouse would; 10:00 is where the other client's session starts."""
    ten = box(page.locator(".ec-event.ec-busy"))["y"]
    hour = box(page.locator(".ec-slot").nth(1))["height"]
    head = box(page.locator(".ec-col-head").nth(column))
    start = box(event)
    x, y = start["x"] + start["width"] / 2, start["y"] + 6
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 4, y + 4, steps=3)
    page.mouse.move(head["x"] + head["width"] / 2, ten + hours_after_ten * hour + 6, steps=12)
    page.mouse.up()


def local_start(session) -> str:
    session.refresh_from_db()
    return timezone.localtime(session.scheduled_at).strftime("%H:%M")


def test_a_session_dragged_to_a_free_time_is_saved_and_onto_a_busy_one_snaps_back(browser_page, spa):
    page, session = browser_page, spa.sessions[0]
    log_in(page, "olena")
    open_day(page)
    mine = page.locator(".ec-event.ec-shown")
    assert "Iryna Mine" in mine.inner_text()

    drag(page, mine, hours_after_ten=4, column=1)
    alert = page.get_by_test_id("calendar-alert")
    alert.locator("text=moved").wait_for()
    assert "alert-success" in alert.get_attribute("class")
    assert local_start(session) == "14:00"

    page.wait_for_load_state("networkidle")  # the calendar has read the sessions again…
    page.wait_for_timeout(300)  # …and drawn them
    mine = page.locator(".ec-event.ec-shown")
    before = box(mine)
    drag(page, mine, hours_after_ten=0, column=0)  # onto Ihor at 10:00, with another client then
    page.locator("#calendar-alert.alert-danger").wait_for()
    reason = alert.inner_text()
    assert "Ihor Masseur is busy with Massage" in reason and "Free nearby" in reason
    screenshot(page, "calendar-refused-move")
    page.wait_for_timeout(300)
    after = box(page.locator(".ec-event.ec-shown"))
    assert abs(after["x"] - before["x"]) < 2 and abs(after["y"] - before["y"]) < 2  # snapped back
    session.refresh_from_db()
    assert (session.specialist, local_start(session)) == (spa.masseurs[0], "14:00")
    assert page.js_errors == [] and page.csp_violations() == []


def test_a_program_is_planned_on_the_calendar_and_confirmed(browser_page, spa):
    page = browser_page
    program = pf.ProgramFactory(client=spa.mine, manager=spa.users.manager, name="Back care",
                                start_date=MONDAY + datetime.timedelta(days=7))
    pf.ProgramItemFactory(program=program, service=spa.massage, specialist=spa.masseurs[0], sessions_count=2,
                          sessions_per_week=1)
    spa.items[0].program.status = Program.Status.COMPLETED  # the earlier program is over
    spa.items[0].program.save()
    log_in(page, "olena")
    page.goto(f"/programs/{program.pk}/")
    page.get_by_role("button", name="Activate and plan sessions").click()
    page.get_by_test_id("plan-panel").wait_for()
    proposal = page.locator(".ec-event.ec-proposal")
    proposal.first.wait_for()
    assert proposal.count() == 1  # the week of the first session: one of the two
    assert "Back care" in page.get_by_test_id("plan-panel").inner_text()
    screenshot(page, "calendar-plan")

    page.get_by_test_id("confirm-plan").click()
    page.get_by_test_id("plan-confirmed").wait_for()
    program.refresh_from_db()
    assert program.status == Program.Status.ACTIVE and program.plan_confirmed_at is not None
    assert Session.objects.filter(item__program=program, status=Session.Status.PLANNED).count() == 2
    assert page.js_errors == [] and page.csp_violations() == []


def test_at_a_phones_width_the_calendar_shows_a_day_and_the_page_does_not_scroll_sideways(browser_page, spa):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "olena")
    page.goto(f"/programs/calendar/?date={MONDAY.isoformat()}")
    page.locator(".ec-event.ec-shown").wait_for()
    assert page.locator(".ec-day-view").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "calendar-phone")
    assert page.js_errors == [] and page.csp_violations() == []


def test_a_click_on_an_empty_time_books_a_single_session(browser_page, spa):
    page = browser_page
    log_in(page, "olena")
    open_day(page)
    ten = box(page.locator(".ec-event.ec-busy"))["y"]
    hour = box(page.locator(".ec-slot").nth(1))["height"]
    head = box(page.locator(".ec-col-head").nth(1))  # Nina
    page.mouse.click(head["x"] + head["width"] / 2, ten + 5 * hour + 6)  # 15:00
    page.locator("#book-modal.show").wait_for()
    page.get_by_role("button", name="Book").click()
    page.locator('[data-error="client"]:not(.d-none)').wait_for()  # no client chosen: said by the field
    page.locator("#book-client-search").fill("Iry")
    page.locator("#book-client-matches button", has_text="Iryna Mine").click()
    page.get_by_role("button", name="Book").click()
    page.locator("#calendar-alert.alert-success").wait_for()
    single = Session.objects.get(item__program__one_off=True)
    assert (single.client, single.specialist, local_start(single)) == (spa.mine, spa.masseurs[0], "15:00")
    assert page.js_errors == [] and page.csp_violations() == []


def test_by_room_a_click_on_an_empty_time_books_a_single_session_in_that_room(browser_page, spa):
    """The room clicked is the form's; the services are those of the specialist for that kind of
    room, and a room the chosen specialist has nothing for picks one who has."""
    from staff.models import RoomKind
    from staff.tests import factories as stf

    stf.RoomFactory(department=spa.department, name="Studio", kind=RoomKind.STUDIO, capacity=8)
    stretching = stf.ServiceFactory(department=spa.department, name="Stretching", duration_minutes=45,
                                    room_kind=RoomKind.STUDIO)
    spa.masseurs[1].services.add(stretching)  # Ihor: massage and stretching; Nina: massage only
    page = browser_page
    log_in(page, "olena")
    open_day(page, by="rooms")
    ten = box(page.locator(".ec-event.ec-busy"))["y"]
    hour = box(page.locator(".ec-slot").nth(1))["height"]
    head = box(page.locator(".ec-col-head").nth(1))  # Massage 2
    page.mouse.click(head["x"] + head["width"] / 2, ten + 5 * hour + 6)  # 15:00
    page.locator("#book-modal.show").wait_for()
    room = page.get_by_label("Room", exact=True)
    expect(room).to_be_visible()
    expect(room.locator("option:checked")).to_have_text("Massage 2 (1)")
    specialist = page.get_by_label("Specialist", exact=True)
    service = page.get_by_label("Service", exact=True)
    expect(specialist.locator("option")).to_have_text(["Ihor Masseur", "Nina Masseur"])  # any of the department's
    expect(service.locator("option")).to_have_text(["Massage (60)"])  # Ihor's for a massage room
    specialist.select_option(label="Nina Masseur")
    room.select_option(label="Studio (8)")  # nothing of Nina's: Ihor, his stretching
    expect(specialist.locator("option:checked")).to_have_text("Ihor Masseur")
    expect(service.locator("option")).to_have_text(["Stretching (45)"])
    room.select_option(label="Massage 2 (1)")
    specialist.select_option(label="Nina Masseur")
    expect(service.locator("option")).to_have_text(["Massage (60)"])
    page.locator("#book-client-search").fill("Iry")
    page.locator("#book-client-matches button", has_text="Iryna Mine").click()
    screenshot(page, "calendar-book-by-room")
    page.get_by_role("button", name="Book").click()
    page.locator("#calendar-alert.alert-success").wait_for()
    single = Session.objects.get(item__program__one_off=True)
    assert (single.client, single.specialist, single.room, local_start(single)) == (
        spa.mine, spa.masseurs[0], spa.rooms[1], "15:00")
    assert page.js_errors == [] and page.csp_violations() == []


def test_on_a_tablet_a_long_press_picks_a_session_up_and_a_finger_moves_it(tablet_page, spa):
    """A touch tablet has no mouse: the finger rests on the session for longer than the calendar's
    long press (half a second), then moves it to 14:00 in the other masseur's column, and lifts."""
    page, session = tablet_page, spa.sessions[0]
    log_in(page, "olena")
    open_day(page)
    mine = page.locator(".ec-event.ec-shown")
    ten = box(page.locator(".ec-event.ec-busy"))["y"]
    hour = box(page.locator(".ec-slot").nth(1))["height"]
    head = box(page.locator(".ec-col-head").nth(0))  # Ihor's (the session is Nina's)
    start = box(mine)
    x, y = start["x"] + start["width"] / 2, start["y"] + 6
    to_x, to_y = head["x"] + head["width"] / 2, ten + 4 * hour + 6
    touch = page.context.new_cdp_session(page)  # Chromium's own touch input: touchstart … touchend

    def finger(kind, *points):
        touch.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": px, "y": py} for px, py in points]})

    finger("touchStart", (x, y))
    page.wait_for_timeout(800)  # held: the long press picks the session up
    for step in range(1, 13):
        finger("touchMove", (x + (to_x - x) * step / 12, y + (to_y - y) * step / 12))
        page.wait_for_timeout(30)
    finger("touchEnd")
    alert = page.get_by_test_id("calendar-alert")
    alert.locator("text=moved").wait_for()
    assert local_start(session) == "14:00"
    session.refresh_from_db()
    assert session.specialist == spa.masseurs[1]
    screenshot(page, "calendar-tablet")
    assert page.js_errors == [] and page.csp_violations() == []
