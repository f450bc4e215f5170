"""The Bot API's webhook: check Telegram's secret, store the update once, answer at once; a
Celery task does the work (``accompaniment.telegram_update``)."""

import hmac
import json

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.capabilities import public

from .bot import update_store

SECRET_HEADER = "HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN"
MAX_UPDATE_BYTES = 1024 * 1024


@public
@csrf_exempt  # Telegram's secret header is the credential
@require_POST
def telegram_webhook(request):
    """403 without the right secret (compared in constant time; nothing stored), 400 for what is
    not an update, else 200 at once: the update is stored (a retried ``update_id`` again: a
    no-op) and queued for a worker once the row is committed."""
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    sent = request.META.get(SECRET_HEADER, "")
    if not secret or not hmac.compare_digest(sent.encode(), secret.encode()):
        return HttpResponse("forbidden", status=403, content_type="text/plain")
    if len(request.body) > MAX_UPDATE_BYTES:
        return HttpResponse("too large", status=413, content_type="text/plain")
    try:
        payload = json.loads(request.body)
        with transaction.atomic():
            update = update_store(payload)
            if update is not None:
                from ..tasks import telegram_update

                transaction.on_commit(lambda: telegram_update.delay(update.pk))
    except ValueError:
        return HttpResponse("not an update", status=400, content_type="text/plain")
    return JsonResponse({"ok": True, "duplicate": update is None})
