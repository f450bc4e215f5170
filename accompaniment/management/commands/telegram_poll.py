"""Development without a public HTTPS address: fetch the bot's updates with ``getUpdates`` and
work on them in this process, exactly as the webhook and its worker would (stored once by
``update_id``, processed once)."""

import time

from django.core.management.base import BaseCommand

from clients.messaging.backends import DeliveryError
from clients.messaging.telegram import bot_call
from clients.models import TelegramUpdate

from ...client_side.bot import update_process, update_store


class Command(BaseCommand):
    help = "Poll Telegram for the bot's updates and process them (development; delete the webhook first)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one round of getUpdates, then stop")
        parser.add_argument("--timeout", type=int, default=25, help="long-polling seconds per round")

    def handle(self, *args, **options):
        last = TelegramUpdate.objects.order_by("-update_id").values_list("update_id", flat=True).first()
        offset = last + 1 if last is not None else None
        while True:
            try:
                payload = {"timeout": 0 if options["once"] else options["timeout"],
                           "allowed_updates": ["message", "edited_message", "callback_query"]}
                if offset is not None:
                    payload["offset"] = offset
                updates = bot_call("getUpdates", payload, timeout=options["timeout"] + 10) or []
            except DeliveryError as error:
                self.stderr.write(f"getUpdates failed: {error}")
                if options["once"]:
                    return
                time.sleep(5)
                continue
            for payload in updates:
                stored = update_store(payload)
                offset = max(offset or 0, payload["update_id"] + 1)
                if stored is not None:
                    self.stdout.write(f"update {payload['update_id']}: {update_process(stored.pk)}")
            if options["once"]:
                return
