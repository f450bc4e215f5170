from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """The demo club and the bench (``manage.py seed_demo``, ``manage.py bench``): installed only
    with ``DEV_TOOLS`` on (see ``accompaniment.settings``)."""

    name = "accompaniment.devtools"
    label = "devtools"
    verbose_name = "Development tools"
