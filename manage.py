#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys

# Commands that only read the code and write files next to it (never serve a request, sign,
# send or touch the database's rows) run without the production secret key, so that a fresh
# checkout can check its migrations and catalogues; every other command still refuses to start
# without one while DEBUG is off (accompaniment/settings.py).
CODE_ONLY_COMMANDS = {
    "makemigrations", "showmigrations", "sqlmigrate", "makemessages", "compilemessages",
    "compile_translations",
}


def main():
    """Run administrative tasks."""
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'accompaniment.settings')
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS:
        os.environ["ACCOMPANIMENT_CODE_ONLY"] = "true"
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    execute_from_command_line(sys.argv)


if __name__ == '__main__':
    main()
