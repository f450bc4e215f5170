"""The Telegram channel end to end over real HTTP: webhook posts in (Django's test client), the
bot's answers and the outbox's messages out to a fake Bot API on loopback."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.client_side.bot import update_process
from accompaniment.selectors import today_agenda
from clients.models import Client, ClientLink, Interaction, Notification, Task, TelegramUpdate
from clients.services import conversation_reply, telegram_link_issue
from clients.tests import factories as cf
from clients.tests.fake_telegram import fake_telegram  # noqa: F401 - the fixture
from core import roles
from programs.models import Session
from programs.tests import factories as pf
from staff.models import Feedback, SurveyResponse
from staff.services import survey_after_session

from .support import button_update, linked, message_update, next_update_id, post_update

pytestmark = pytest.mark.django_db

CHAT = 777001


@pytest.fixture
def daytime(settings):
    settings.QUIET_HOURS_START = settings.QUIET_HOURS_END = 0  # the outbox delivers whatever the hour


@pytest.fixture
def olena(make_user):
    manager = make_user(roles.MANAGER, username="oksana", first_name="Oksana", last_name="Melnyk")
    return cf.ClientFactory(first_name="Olena", last_name="Koval", assigned_manager=manager, language="en",
                            email="olena@example.com")


# --- linking ------------------------------------------------------------------------------------
def test_a_good_start_token_ties_the_chat_to_the_card_and_shows_the_menu(client, olena, fake_telegram,
                                                                          django_capture_on_commit_callbacks):
    _link, token = telegram_link_issue(client=olena, by=olena.assigned_manager)
    assert len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()  # Telegram's start limit
    with django_capture_on_commit_callbacks(execute=True):
        response = post_update(client, message_update(CHAT, f"/start {token}"))
    assert response.status_code == 200
    olena.refresh_from_db()
    assert olena.telegram_chat_id == str(CHAT)
    (greeting,) = fake_telegram.sent(CHAT)
    assert "connected to your club card" in greeting["text"]
    buttons = [b["callback_data"] for row in greeting["reply_markup"]["inline_keyboard"] for b in row]
    assert {"card", "sessions", "renew", "freeze", "survey", "write"} <= set(buttons)


def test_a_reused_token_links_nothing_and_says_so_politely(client, olena, fake_telegram,
                                                            django_capture_on_commit_callbacks):
    _link, token = telegram_link_issue(client=olena, by=olena.assigned_manager)
    with django_capture_on_commit_callbacks(execute=True):
        post_update(client, message_update(CHAT, f"/start {token}"))
        post_update(client, message_update(CHAT + 1, f"/start {token}"))
    assert not Client.objects.filter(telegram_chat_id=str(CHAT + 1)).exists()
    assert fake_telegram.texts(CHAT + 1) == ["This link has been used already. Ask your manager for a new one."]


def test_a_stale_token_links_nothing(client, olena, fake_telegram, settings, django_capture_on_commit_callbacks):
    link, token = telegram_link_issue(client=olena, by=olena.assigned_manager)
    a_day_ago = timezone.now() - datetime.timedelta(days=1)
    ClientLink.objects.filter(pk=link.pk).update(created_at=a_day_ago - datetime.timedelta(minutes=settings.TELEGRAM_LINK_MINUTES),
                                                 expires_at=a_day_ago)
    with django_capture_on_commit_callbacks(execute=True):
        post_update(client, message_update(CHAT, f"/start {token}"))
    olena.refresh_from_db()
    assert olena.telegram_chat_id == ""
    assert fake_telegram.texts(CHAT) == ["This link has expired. Ask your manager for a new one."]


@pytest.mark.parametrize("start", ["/start", "/start not-a-token", "/start " + "A" * 38])
def test_no_token_or_a_made_up_one_links_nothing(client, olena, fake_telegram, start,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_update(client, message_update(CHAT, start))
    assert not Client.objects.exclude(telegram_chat_id="").exists()
    (answer,) = fake_telegram.texts(CHAT)
    assert "Ask your" in answer and "manager" in answer


def test_the_client_unlinks_with_stop_and_the_manager_from_the_card(client, olena, fake_telegram,
                                                                     django_capture_on_commit_callbacks):
    linked(olena, CHAT, client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        post_update(client, message_update(CHAT, "/stop"))
    olena.refresh_from_db()
    assert olena.telegram_chat_id == ""
    linked(olena, CHAT, client, django_capture_on_commit_callbacks)
    client.force_login(olena.assigned_manager)
    client.post(reverse("clients:telegram-unlink", args=[olena.pk]))
    olena.refresh_from_db()
    assert olena.telegram_chat_id == ""


# --- the webhook ----------------------------------------------------------------------------------
@pytest.mark.parametrize("secret", [None, "", "wrong", "s3cret-for-tests-and-more"])
def test_a_wrong_secret_is_refused_with_403_and_nothing_is_stored(client, olena, fake_telegram, secret,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_update(client, message_update(CHAT, "hello"), secret=secret)
    assert response.status_code == 403
    assert not TelegramUpdate.objects.exists() and not Interaction.objects.exists()
    assert fake_telegram.calls == []


def test_without_a_configured_secret_every_post_is_refused(client, fake_telegram, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    assert post_update(client, message_update(CHAT, "hi"), secret="").status_code == 403
    assert not TelegramUpdate.objects.exists()


@pytest.mark.parametrize("body", ["not json", "[]", '{"update_id": "7"}', '{"message": {}}'])
def test_what_is_not_an_update_is_a_400(client, fake_telegram, body):
    response = client.post(reverse("telegram-webhook"), data=body, content_type="application/json",
                           HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN="s3cret-for-tests")
    assert response.status_code == 400
    assert not TelegramUpdate.objects.exists()


def test_a_retried_update_id_is_processed_once(client, olena, fake_telegram, django_capture_on_commit_callbacks):
    linked(olena, CHAT, client, django_capture_on_commit_callbacks)
    update = message_update(CHAT, "Can I move Friday's massage?")
    with django_capture_on_commit_callbacks(execute=True):
        first = post_update(client, update)
        second = post_update(client, update)  # Telegram did not get our 200 in time and sent it again
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json()["duplicate"] is True
    assert olena.interactions.filter(direction="in").count() == 1
    assert fake_telegram.texts(CHAT).count("Your manager has your message and will answer soon.") == 1
    stored = TelegramUpdate.objects.get(update_id=update["update_id"])
    assert update_process(stored.pk) == "already processed"  # a redelivered task does nothing either
    assert olena.interactions.filter(direction="in").count() == 1


# --- the conversation -----------------------------------------------------------------------------
def test_a_message_becomes_a_conversation_entry_and_waits_on_today(client, olena, fake_telegram,
                                                                    django_capture_on_commit_callbacks):
    linked(olena, CHAT, client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        post_update(client, message_update(CHAT, "", caption="My doctor's note",
                                           document={"file_id": "x", "file_name": "note.pdf"}))
    entry = olena.interactions.get(direction="in", channel="telegram")
    assert (entry.summary, entry.attachments, entry.answered_at) == ("My doctor's note", "note.pdf", None)
    agenda = today_agenda(olena.assigned_manager)
    assert [m.pk for m in agenda["waiting"]["rows"]] == [entry.pk]
    client.force_login(olena.assigned_manager)
    today = client.get(reverse("home")).content.decode()
    assert "Messages waiting" in today and "Olena Koval" in today and "note.pdf" in today
    card = client.get(reverse("client-card", args=[olena.pk])).content.decode()
    assert "My doctor&#x27;s note" in card and "note.pdf" in card and "waiting" in card


def test_the_managers_answer_goes_through_the_outbox_to_the_chat(client, olena, fake_telegram, daytime,
                                                                  django_capture_on_commit_callbacks):
    linked(olena, CHAT, client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        post_update(client, message_update(CHAT, "Is the pool open on Sunday?"))
    client.force_login(olena.assigned_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("clients:conversation-reply", args=[olena.pk]),
                               {"text": "Yes, from 8 to 20. See you!"})
    assert response.status_code == 302
    row = Notification.objects.get(kind="chat_reply")
    assert (row.status, row.channel, row.to_address) == ("sent", "telegram", str(CHAT))
    assert fake_telegram.texts(CHAT)[-1] == "Oksana Melnyk, your accompaniment manager\n\nYes, from 8 to 20. See you!"
    assert not olena.interactions.filter(direction="in", answered_at__isnull=True).exists()
    assert today_agenda(olena.assigned_manager)["waiting"]["count"] == 0
    answer = olena.interactions.get(direction="out")
    assert (answer.manager, answer.notification) == (olena.assigned_manager, row)


def test_an_answer_at_night_waits_for_the_morning(client, olena, fake_telegram, settings,
                                                  django_capture_on_commit_callbacks):
    # "Night" is this hour and the next, whatever the hour the test runs at.
    hour = timezone.localtime().hour
    settings.QUIET_HOURS_START, settings.QUIET_HOURS_END = hour, (hour + 2) % 24
    linked(olena, CHAT, client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        conversation_reply(client=olena, text="Tomorrow at 10?", by=olena.assigned_manager)
    row = Notification.objects.get(kind="chat_reply")
    assert row.status == "queued" and row.not_before is not None
    assert "Tomorrow at 10?" not in " ".join(fake_telegram.texts(CHAT))


def test_a_blocked_bot_marks_telegram_unreachable_and_the_answer_falls_back_to_email(
        client, olena, fake_telegram, daytime, mailoutbox, django_capture_on_commit_callbacks):
    linked(olena, CHAT, client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        post_update(client, message_update(CHAT, "Please call me"))
    fake_telegram.blocked.add(str(CHAT))
    with django_capture_on_commit_callbacks(execute=True):
        conversation_reply(client=olena, text="Calling you at 12.", by=olena.assigned_manager)
    olena.refresh_from_db()
    assert olena.telegram_unreachable_at is not None and not olena.reachable_on("telegram")
    row = Notification.objects.get(kind="chat_reply")
    if row.status == "queued":  # the fallback is queued at once; the next sender run delivers it
        from clients.messaging.outbox import outbox_deliver_due

        outbox_deliver_due()
        row.refresh_from_db()
    assert (row.status, row.channel, row.channels_tried) == ("sent", "email", "telegram")
    assert "403" in row.reason or row.reason == ""
    assert [m.to for m in mailoutbox] == [["olena@example.com"]]
    client.force_login(olena.assigned_manager)
    assert "blocked the bot" in client.get(reverse("client-card", args=[olena.pk])).content.decode()


def test_a_cover_receives_the_absent_managers_conversation(client, olena, fake_telegram, make_user,
                                                           django_capture_on_commit_callbacks):
    from clients.services import cover_set

    colleague = make_user(roles.MANAGER, username="petro")
    today = timezone.localdate()
    cover_set(absent=olena.assigned_manager, covering=colleague, starts_on=today, ends_on=today, by=None)
    linked(olena, CHAT, client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        post_update(client, message_update(CHAT, "Anyone there?"))
    assert today_agenda(colleague)["waiting"]["count"] == 1


# --- the buttons ------------------------------------------------------------------------------------
@pytest.fixture
def session(olena):
    item = pf.ProgramItemFactory(program__client=olena, program__manager=olena.assigned_manager,
                                 service__name="Deep tissue massage", specialist__first_name="Iryna")
    return pf.SessionFactory(item=item, scheduled_at=timezone.now() + datetime.timedelta(days=2))


def press(client, data, capture):
    with capture(execute=True):
        assert post_update(client, button_update(CHAT, data)).status_code == 200


def test_the_card_and_the_sessions_buttons_answer_in_the_clients_language(client, olena, session, fake_telegram,
                                                                         django_capture_on_commit_callbacks):
    cf.MembershipFactory(client=olena)
    olena.language = "uk"
    olena.save()
    linked(olena, CHAT, client, django_capture_on_commit_callbacks)
    press(client, "card", django_capture_on_commit_callbacks)
    press(client, "sessions", django_capture_on_commit_callbacks)
    card, listed = fake_telegram.sent(CHAT)[-2:]
    assert card["text"].startswith("Ваша картка")
    assert "Deep tissue massage" in listed["text"] and "Iryna" in listed["text"]
    assert [b["callback_data"] for b in listed["reply_markup"]["inline_keyboard"][0]] == [
        f"confirm:{session.pk}", f"cancel:{session.pk}"]
    assert ("answerCallbackQuery", ) == tuple({m for m, _p in fake_telegram.calls if m == "answerCallbackQuery"})


def test_confirming_a_session_is_recorded_once(client, olena, session, fake_telegram,
                                               django_capture_on_commit_callbacks):
    linked(olena, CHAT, client, django_capture_on_commit_callbacks)
    press(client, f"confirm:{session.pk}", django_capture_on_commit_callbacks)
    press(client, f"confirm:{session.pk}", django_capture_on_commit_callbacks)
    assert fake_telegram.texts(CHAT)[-1] == "You have confirmed this session already."
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED
    assert session.confirmed_at is not None and session.confirmed_via == Session.Confirmation.TELEGRAM
    assert not olena.interactions.filter(outcome__startswith="[session:").exists()  # the stop-gap is gone


def test_cancelling_a_session_marks_it_and_tells_the_manager(client, olena, session, fake_telegram,
                                                             django_capture_on_commit_callbacks):
    linked(olena, CHAT, client, django_capture_on_commit_callbacks)
    press(client, f"cancel:{session.pk}", django_capture_on_commit_callbacks)
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.cancel_reason == "cancelled by the client (Telegram)"
    waiting = today_agenda(olena.assigned_manager)["waiting"]["rows"]
    assert [m.summary for m in waiting] == [olena.interactions.get(summary__startswith="Cancelled").summary]


def test_somebody_elses_session_cannot_be_cancelled_from_the_chat(client, olena, fake_telegram,
                                                                  django_capture_on_commit_callbacks):
    stranger_session = pf.SessionFactory(scheduled_at=timezone.now() + datetime.timedelta(days=1))
    linked(olena, CHAT, client, django_capture_on_commit_callbacks)
    press(client, f"cancel:{stranger_session.pk}", django_capture_on_commit_callbacks)
    stranger_session.refresh_from_db()
    assert stranger_session.status == Session.Status.PLANNED
    assert fake_telegram.texts(CHAT)[-1] == "This session is not among your coming sessions."


def test_a_low_score_from_the_survey_buttons_opens_a_complaint(client, olena, fake_telegram, daytime,
                                                               django_capture_on_commit_callbacks):
    linked(olena, CHAT, client, django_capture_on_commit_callbacks)
    press(client, "survey", django_capture_on_commit_callbacks)
    assert fake_telegram.texts(CHAT)[-1] == "There is no survey to answer right now. Thank you!"
    survey_after_session(client=olena)
    press(client, "survey", django_capture_on_commit_callbacks)
    buttons = [b["callback_data"] for row in fake_telegram.sent(CHAT)[-1]["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == [f"nps:{n}" for n in range(11)]
    press(client, "nps:3", django_capture_on_commit_callbacks)
    press(client, "nps:10", django_capture_on_commit_callbacks)  # once per survey
    assert list(SurveyResponse.objects.values_list("score", flat=True)) == [3]
    assert Feedback.objects.filter(client=olena, kind="complaint").count() == 1
    assert fake_telegram.texts(CHAT)[-1] == "There is no survey to answer right now."


@pytest.mark.parametrize("what,kind", [("renew", Task.Kind.RENEWAL_CALL), ("freeze", Task.Kind.FOLLOW_UP)])
def test_asking_to_renew_or_freeze_is_a_task_for_the_manager(client, olena, fake_telegram, what, kind,
                                                             django_capture_on_commit_callbacks):
    linked(olena, CHAT, client, django_capture_on_commit_callbacks)
    press(client, what, django_capture_on_commit_callbacks)
    press(client, what, django_capture_on_commit_callbacks)  # twice the same day: one task
    (task,) = Task.objects.filter(client=olena)
    assert (task.kind, task.assigned_to, task.due_date) == (kind, olena.assigned_manager, timezone.localdate())
    assert task in today_agenda(olena.assigned_manager)["tasks"]["rows"]


def test_an_unknown_chat_writing_gets_a_polite_answer_and_nothing_is_stored(client, fake_telegram,
                                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_update(client, message_update(CHAT, "hello?"))
        post_update(client, button_update(CHAT, "card"))
    assert not Interaction.objects.exists()
    assert all("not connected" in text for text in fake_telegram.texts(CHAT))


# --- the commands -------------------------------------------------------------------------------------
def test_the_webhook_command_sets_shows_and_deletes_the_webhook(fake_telegram, settings):
    from io import StringIO

    from django.core.management import CommandError, call_command

    settings.SITE_URL = "https://crm.club.example"
    out = StringIO()
    call_command("telegram_webhook", "--set", stdout=out)
    assert fake_telegram.webhook == {"url": "https://crm.club.example/telegram/webhook/",
                                     "secret_token": "s3cret-for-tests",
                                     "allowed_updates": ["message", "edited_message", "callback_query"]}
    call_command("telegram_webhook", "--info", stdout=out)
    assert "url: https://crm.club.example/telegram/webhook/" in out.getvalue()
    call_command("telegram_webhook", "--delete", stdout=out)
    assert fake_telegram.webhook == {}
    with pytest.raises(CommandError, match="HTTPS"):
        call_command("telegram_webhook", "--set", "http://plain.example/hook/")


def test_polling_processes_each_update_once(olena, fake_telegram):
    from io import StringIO

    from django.core.management import call_command

    _link, token = telegram_link_issue(client=olena, by=olena.assigned_manager)
    first = next_update_id()
    fake_telegram.updates = [message_update(CHAT, f"/start {token}", update_id=first),
                             message_update(CHAT, "Hi from polling", update_id=first + 1)]
    call_command("telegram_poll", "--once", stdout=StringIO())
    call_command("telegram_poll", "--once", stdout=StringIO())  # the same updates again: nothing new
    olena.refresh_from_db()
    assert olena.telegram_chat_id == str(CHAT)
    assert olena.interactions.filter(summary="Hi from polling").count() == 1
    assert [c[1].get("offset") for c in fake_telegram.calls if c[0] == "getUpdates"] == [None, first + 2]


def test_the_printed_program_carries_a_qr_code_that_links_the_chat(client, olena, fake_telegram,
                                                                   django_capture_on_commit_callbacks):
    program = pf.ProgramFactory(client=olena, manager=olena.assigned_manager)
    client.force_login(olena.assigned_manager)
    html = client.get(reverse("programs:print", args=[program.pk])).content.decode()
    assert 'data-testid="telegram-qr"' in html and "<svg" in html
    assert ClientLink.objects.filter(client=olena, purpose="telegram").count() == 1
    linked(olena, CHAT, client, django_capture_on_commit_callbacks)  # with a link from the card
    html = client.get(reverse("programs:print", args=[program.pk])).content.decode()
    assert 'data-testid="telegram-qr"' not in html  # connected now: no code on the paper
