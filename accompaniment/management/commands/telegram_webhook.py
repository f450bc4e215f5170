"""Register, remove or show the bot's webhook with Telegram (``setWebhook`` and friends)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from clients.messaging.backends import DeliveryError
from clients.messaging.telegram import bot_call


class Command(BaseCommand):
    help = "Set (--set [URL]), delete (--delete) or show (--info) the Telegram bot's webhook."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--set", nargs="?", const="", metavar="URL",
                           help="the public HTTPS address of the webhook (default: SITE_URL + /telegram/webhook/)")
        group.add_argument("--delete", action="store_true", help="stop sending updates to the webhook")
        group.add_argument("--info", action="store_true", help="what Telegram knows of the webhook")

    def handle(self, *args, **options):
        try:
            if options["set"] is not None:
                if not settings.TELEGRAM_WEBHOOK_SECRET:
                    raise CommandError("Set TELEGRAM_WEBHOOK_SECRET first: the webhook refuses posts without it.")
                url = options["set"] or settings.SITE_URL + reverse("telegram-webhook")
                if not url.startswith("https://"):
                    raise CommandError(f"Telegram posts only to HTTPS addresses, not {url}")
                bot_call("setWebhook", {"url": url, "secret_token": settings.TELEGRAM_WEBHOOK_SECRET,
                                        "allowed_updates": ["message", "edited_message", "callback_query"]})
                self.stdout.write(f"Webhook set: {url}")
            elif options["delete"]:
                bot_call("deleteWebhook", {"drop_pending_updates": False})
                self.stdout.write("Webhook deleted.")
            else:
                info = bot_call("getWebhookInfo") or {}
                for key in ("url", "pending_update_count", "last_error_date", "last_error_message"):
                    self.stdout.write(f"{key}: {info.get(key, '')}")
        except DeliveryError as error:
            raise CommandError(f"Telegram refused: {error}") from error
