"""Settings come from the environment: defaults for the embedded run, hardening for production.

Settings are read once at import, so each case runs Django in a fresh process with its own
environment.
"""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[3]
PROBE = """
import json, django
from django.conf import settings
django.setup()
from accompaniment.celery import app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "celery_eager": app.conf.task_always_eager,
    "email_backend": settings.EMAIL_BACKEND,
    "email_path": str(getattr(settings, "EMAIL_FILE_PATH", "")),
    "email_host": getattr(settings, "EMAIL_HOST", ""),
    "email_port": getattr(settings, "EMAIL_PORT", 0),
    "time_zone": settings.TIME_ZONE,
    "language": settings.LANGUAGE_CODE,
    "currency": settings.CURRENCY,
    "debug": settings.DEBUG,
    "cache": settings.CACHES["default"]["BACKEND"],
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
}))
"""
OWN_VARIABLES = (
    "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "EMAIL_URL",
    "TIME_ZONE", "LANGUAGE_CODE", "CURRENCY", "STATICFILES_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEV_TOOLS",
)


def run_django(code_or_args, **environment):
    env = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    env["DJANGO_SETTINGS_MODULE"] = "accompaniment.settings"
    env.update(environment)
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def probe(**environment) -> dict:
    result = run_django(PROBE, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_debug_is_off_unless_the_environment_turns_it_on():
    assert probe(SECRET_KEY="k3Jd9-some-long-secret-Qp7x2ZtYv8LmN4bR6sW1cE5hG0aU_fIoPj")["debug"] is False
    assert probe(DEBUG="true")["debug"] is True


def test_make_run_turns_debug_on_itself():
    planned = subprocess.run(
        ["make", "--dry-run", "run"], cwd=BASE_DIR, capture_output=True, text=True, timeout=60
    ).stdout.splitlines()
    commands = [line for line in planned if "manage.py" in line]
    assert any("manage.py runserver" in line for line in commands)
    assert all(line.startswith("DEBUG=true ") for line in commands), commands


def test_embedded_default_needs_no_services():
    values = probe(DEBUG="true")  # as `make run` starts it
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(BASE_DIR / "var" / "db.sqlite3")
    assert values["eager"] is True and values["celery_eager"] is True
    assert values["broker"] == "memory://"
    assert values["email_backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["email_path"] == str(BASE_DIR / "var" / "outbox")
    assert values["time_zone"] == "Europe/Kyiv"
    assert values["currency"] == "UAH"
    assert values["language"] == "en"
    assert values["cache"].endswith("LocMemCache")


def test_services_come_from_urls():
    values = probe(
        DEBUG="true",
        DATABASE_URL="postgres://club:secret@db.internal:5433/club",
        REDIS_URL="redis://cache.internal:6379/2",
        EMAIL_URL="smtp://mailer:pw@mail.internal:2525",
        TIME_ZONE="Europe/Warsaw",
        CURRENCY="PLN",
        LANGUAGE_CODE="uk",
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "club"
    assert values["eager"] is False and values["celery_eager"] is False
    assert values["broker"] == "redis://cache.internal:6379/2"
    assert values["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["email_host"], values["email_port"]) == ("mail.internal", 2525)
    assert values["time_zone"] == "Europe/Warsaw"
    assert values["currency"] == "PLN"
    assert values["language"] == "uk"
    assert values["cache"].endswith("RedisCache")


@pytest.mark.parametrize("debug", [{"DEBUG": "false"}, {}], ids=["debug off", "debug not set"])
def test_production_refuses_to_start_without_a_secret_key(debug):
    result = run_django(PROBE, ALLOWED_HOSTS="club.example.com", **debug)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "refuses to start" in result.stderr


def test_a_fresh_checkout_checks_its_migrations_without_a_secret_key():
    """makemigrations (and the catalogues' commands) only read the code: a checkout with nothing
    set checks its migrations; a command that serves or signs still refuses without the key."""
    checked = run_django(["manage.py", "makemigrations", "--check", "--dry-run"])
    assert checked.returncode == 0, checked.stderr
    assert "No changes detected" in checked.stdout
    refused = run_django(["manage.py", "check"])
    assert refused.returncode != 0
    assert "SECRET_KEY is not set" in refused.stderr


PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k3Jd9-production-like-secret-Qp7x2ZtYv8LmN4bR6sW1cE5hG0aU_fIoPjKlMnBv",
    "ALLOWED_HOSTS": "club.example.com",
}


def test_production_uses_manifest_static_files():
    assert probe(**PRODUCTION_ENV)["static"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_check_deploy_passes_with_no_warnings_in_production():
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_debug_is_on():
    """The check above is meaningful: the same command flags a development configuration."""
    result = run_django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], DEBUG="true")
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


HEALTH_PROBES = """
import json, django
django.setup()
from django.test import Client
probe = Client().get("/health/", HTTP_HOST="10.0.3.7")  # a load balancer: by address, plain HTTP
head = Client().head("/health/", HTTP_HOST="10.0.3.7:8000")
page = Client().get("/login/", HTTP_HOST="club.example.com")
stranger = Client().get("/login/", HTTP_HOST="10.0.3.7")
print(json.dumps({
    "probe": [probe.status_code, probe.json(), probe.get("Location")],
    "head": head.status_code,
    "page": [page.status_code, page.get("Location")],
    "stranger": stranger.status_code,
}))
"""


def test_health_answers_a_probe_over_plain_http_by_address_with_debug_off(tmp_path):
    result = run_django(
        HEALTH_PROBES, **PRODUCTION_ENV, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",  # no collectstatic here
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])

    assert answers["probe"] == [200, {"status": "ok", "database": True}, None]
    assert answers["head"] == 200
    # The same server redirects every page to HTTPS and refuses hosts it does not serve.
    assert answers["page"] == [301, "https://club.example.com/login/"]
    assert answers["stranger"] == 400


ENV_DOCUMENTED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.M)


def variables_read_by_the_settings() -> set[str]:
    """Every name passed to ``env(...)``/``env.<type>(...)`` in settings.py."""
    tree = ast.parse((BASE_DIR / "accompaniment" / "settings.py").read_text())
    return {
        call.args[0].value
        for call in ast.walk(tree)
        if isinstance(call, ast.Call) and call.args
        and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)
        and (
            (isinstance(call.func, ast.Name) and call.func.id == "env")
            or (isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
                and call.func.value.id == "env")
        )
    }


def test_env_example_documents_every_variable_the_settings_read():
    read = variables_read_by_the_settings()
    documented = ENV_DOCUMENTED.findall((BASE_DIR / ".env.example").read_text())

    assert {"DEBUG", "SECRET_KEY", "TELEGRAM_BACKEND", "IMPORT_MAX_ROWS", "LOGIN_ADDRESS_FAILURE_LIMIT"} <= read
    assert sorted(documented) == sorted(set(documented)), "a variable is documented twice"
    assert set(documented) == read


@pytest.mark.django_db
def test_migrations_match_the_models():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
