"""The development tools (the demo club and the bench) are an app of their own, installed only
when the environment asks for it (``DEV_TOOLS``, on by default with ``DEBUG``): a production
install does not have them. Each case runs ``manage.py`` in a fresh process with its own
environment, as a server would."""

import pytest

from accompaniment.tests.settings.test_environment import run_django

PRODUCTION = {
    "SECRET_KEY": "k3Jd9-some-long-secret-Qp7x2ZtYv8LmN4bR6sW1cE5hG0aU_fIoPj",
    "ALLOWED_HOSTS": "club.example.com",
}
DEV_COMMANDS = {"seed_demo", "bench"}


def commands(tmp_path, **environment) -> set[str]:
    result = run_django(["manage.py", "help", "--commands"],
                        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **environment)
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


@pytest.mark.parametrize("command", sorted(DEV_COMMANDS))
def test_a_production_install_does_not_know_the_demo_or_the_bench(tmp_path, command):
    result = run_django(["manage.py", command, "--force"],
                        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **PRODUCTION)
    assert result.returncode != 0
    assert f"Unknown command: '{command}'" in result.stderr
    assert not (tmp_path / "db.sqlite3").exists() or (tmp_path / "db.sqlite3").stat().st_size == 0


def test_the_development_tools_come_with_debug_or_when_asked_for(tmp_path):
    assert not DEV_COMMANDS & commands(tmp_path, **PRODUCTION)
    assert not DEV_COMMANDS & commands(tmp_path, **PRODUCTION, DEV_TOOLS="false")
    assert DEV_COMMANDS <= commands(tmp_path, DEBUG="true")  # as `make run` starts it
    assert not DEV_COMMANDS & commands(tmp_path, DEBUG="true", DEV_TOOLS="false")
    # A demo or benchmark installation may ask for them with DEBUG off; they still refuse
    # to write made-up people there unless forced.
    assert DEV_COMMANDS <= commands(tmp_path, **PRODUCTION, DEV_TOOLS="true")
    refused = run_django(["manage.py", "seed_demo"], DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                         **PRODUCTION, DEV_TOOLS="true")
    assert refused.returncode != 0 and "refuses to run with DEBUG off" in refused.stderr


def test_make_run_and_make_test_install_them():
    import subprocess

    from accompaniment.tests.settings.test_environment import BASE_DIR

    planned = subprocess.run(["make", "--dry-run", "run"], cwd=BASE_DIR, capture_output=True, text=True,
                             timeout=60).stdout.splitlines()
    seeding = [line for line in planned if "manage.py seed_demo" in line]
    assert seeding and all("DEV_TOOLS=true" in line for line in seeding)
    from django.conf import settings  # this run: the test settings

    assert "accompaniment.devtools" in settings.INSTALLED_APPS
