"""A fake Telegram Bot API: a real HTTP server on loopback (a thread of the test process) that
answers ``/bot<token>/<method>`` as Telegram does and records every call.

``blocked`` holds chat ids whose sendMessage gets Telegram's 403 ("bot was blocked by the
user"); ``updates`` is what ``getUpdates`` hands out; ``webhook`` what setWebhook registered.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

TOKEN = "123456:TEST-token"


class FakeTelegram(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.calls: list[tuple[str, dict]] = []
        self.blocked: set[str] = set()
        self.updates: list[dict] = []
        self.webhook: dict = {}
        self.lock = threading.Lock()
        self.next_message_id = 1

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def sent(self, chat_id=None) -> list[dict]:
        """The sendMessage payloads (to one chat when given), in order."""
        return [p for m, p in self.calls if m == "sendMessage" and (chat_id is None or str(p["chat_id"]) == str(chat_id))]

    def texts(self, chat_id=None) -> list[str]:
        return [p["text"] for p in self.sent(chat_id)]

    def answer(self, method: str, payload: dict) -> tuple[int, dict]:
        with self.lock:
            self.calls.append((method, payload))
            if method == "sendMessage":
                if str(payload.get("chat_id")) in self.blocked:
                    return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
                self.next_message_id += 1
                return 200, {"ok": True, "result": {"message_id": self.next_message_id, "chat": {"id": payload["chat_id"]},
                                                    "text": payload.get("text", "")}}
            if method == "answerCallbackQuery":
                return 200, {"ok": True, "result": True}
            if method == "setWebhook":
                self.webhook = payload
                return 200, {"ok": True, "result": True, "description": "Webhook was set"}
            if method == "deleteWebhook":
                self.webhook = {}
                return 200, {"ok": True, "result": True}
            if method == "getWebhookInfo":
                return 200, {"ok": True, "result": {"url": self.webhook.get("url", ""), "pending_update_count": 0}}
            if method == "getUpdates":
                offset = payload.get("offset") or 0
                return 200, {"ok": True, "result": [u for u in self.updates if u["update_id"] >= offset]}
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        prefix = f"/bot{TOKEN}/"
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not self.path.startswith(prefix):
            status, answer = 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        else:
            status, answer = self.server.answer(self.path[len(prefix):], json.loads(body or b"{}"))
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_telegram(settings):
    """The fake Bot API, with the settings pointing at it (backend, token, bot name, secret)."""
    server = FakeTelegram()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.TELEGRAM_API_URL = server.url
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_BACKEND = "clients.messaging.backends.TelegramBotBackend"
    settings.TELEGRAM_BOT_USERNAME = "club_test_bot"
    settings.TELEGRAM_WEBHOOK_SECRET = "s3cret-for-tests"
    yield server
    server.shutdown()
    server.server_close()
