"""The client's side in real Chromium: the client on their phone (390 px) writes to their
manager from the personal page; the manager reads it on Today and answers from the card."""

import datetime
import os

import pytest
from playwright.sync_api import expect
from django.utils import timezone

from clients.models import Interaction
from clients.services import conversation_receive, page_link_issue
from clients.tests import factories as cf
from conftest import SCREENSHOTS, log_in, screenshot
from core import roles
from programs.tests import factories as pf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def olena(make_user, settings):
    settings.QUIET_HOURS_START = settings.QUIET_HOURS_END = 0
    settings.TELEGRAM_BOT_USERNAME = "club_test_bot"
    manager = make_user(roles.MANAGER, username="oksana", first_name="Oksana", last_name="Melnyk")
    person = cf.ClientFactory(first_name="Olena", last_name="Koval", assigned_manager=manager, language="en",
                              health_notes="Knee surgery in 2024", telegram_chat_id="777001", email="olena@example.com")
    person.contraindications.add(cf.ContraindicationFactory(name="Varicose veins"))
    cf.MembershipFactory(client=person, plan=cf.MembershipPlanFactory(name="Gym + pool, 3 months"),
                         start_date=timezone.localdate() - datetime.timedelta(days=10))
    item = pf.ProgramItemFactory(program__client=person, program__manager=manager, service__name="Aqua aerobics",
                                 specialist__first_name="Iryna")
    for days in (1, 3):
        pf.SessionFactory(item=item, scheduled_at=timezone.now() + datetime.timedelta(days=days, hours=2))
    return person


def test_the_client_writes_from_the_phone_and_the_manager_answers_from_the_card(browser_page, olena, live_server):
    page = browser_page
    _link, token = page_link_issue(client=olena, by=olena.assigned_manager)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/me/{token}/")
    expect(page.get_by_test_id("days-left")).to_be_visible()
    assert page.get_by_test_id("session").count() == 2
    html = page.content()
    assert "Knee surgery" not in html and "Varicose" not in html
    page.get_by_label("Message to your manager").fill("Could we move Thursday's class to the evening?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your manager has your message")).to_be_visible()
    page.get_by_test_id("session").first.get_by_role("button", name="I'll come").click()
    expect(page.get_by_text("We look forward to seeing you")).to_be_visible()
    expect(page.get_by_test_id("session").first.get_by_test_id("confirmed")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the personal page scrolls sideways on a phone ({width}px)"
    assert page.csp_violations() == [] and page.js_errors == []
    screenshot(page, "10-personal-page-phone")

    conversation_receive(client=olena, text="Also: is the sauna open after 21:00?", channel="telegram",
                         attachments=["timetable.jpg"])
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "oksana")
    assert page.get_by_test_id("waiting-message").count() == 2
    page.get_by_test_id("waiting-message").first.get_by_role("link", name="Olena Koval").click()
    thread = page.get_by_test_id("thread")
    expect(thread).to_contain_text("move Thursday")
    expect(thread).to_contain_text("timetable.jpg")
    page.get_by_placeholder("Answer the client…").fill("Yes, 19:00 works. The sauna closes at 21:00.")
    page.get_by_test_id("reply").click()
    expect(page.get_by_text("Answer queued for Olena.")).to_be_visible()
    assert page.get_by_test_id("conversation-out").count() == 1
    assert not Interaction.objects.filter(direction="in", answered_at__isnull=True).exists()
    screenshot(page, "09-client-card-with-conversation")
    page.set_viewport_size({"width": 1100, "height": 900})
    page.locator("#conversation").screenshot(path=os.path.join(SCREENSHOTS, "09-conversation-on-the-card.png"))
    page.get_by_test_id("telegram-link").click()
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible()
    assert page.get_by_test_id("link-url").input_value().startswith("https://t.me/club_test_bot?start=")
    screenshot(page, "11-telegram-link")


@pytest.mark.parametrize("language,greeting", [("uk", "Добрий день, Olena!"), ("ru", "Здравствуйте, Olena!")])
def test_the_personal_page_speaks_the_clients_language_on_a_phone(browser_page, olena, language, greeting):
    olena.language = language
    olena.save()
    _link, token = page_link_issue(client=olena, by=olena.assigned_manager)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/me/{token}/")
    expect(page.get_by_text(greeting)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, f"10-personal-page-phone-{language}")
