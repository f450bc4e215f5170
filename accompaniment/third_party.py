"""What the third-party apps the admin site shows say in English whatever the language, set
right once at start-up (``AccompanimentConfig.ready``): django-celery-beat describes a crontab
with cron-descriptor in English and titles that column "Human readable"; here both follow the
active language. (Their translatable messages are in locale/third_party/: accompaniment.catalogues.)"""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# cron-descriptor's catalogues, by the interface's language codes.
CRON_LOCALES = {"en": "en_US", "ru": "ru_RU", "uk": "uk_UA"}


def cron_description(expression: str, options=None) -> str:
    """A crontab expression in words, in the active language, with 24-hour times."""
    from cron_descriptor import ExpressionDescriptor, Options

    options = options or Options()
    options.locale_code = CRON_LOCALES.get((get_language() or "en").split("-")[0], "en_US")
    options.use_24hour_time_format = True
    return ExpressionDescriptor(expression, options).get_description()


def localize_third_party_apps() -> None:
    from django_celery_beat import models as beat

    beat.get_description = cron_description
    described = beat.CrontabSchedule.human_readable.fget
    if getattr(described, "localized", False):
        return

    def human_readable(schedule):
        return described(schedule)

    human_readable.short_description = _("When it runs")
    human_readable.localized = True
    beat.CrontabSchedule.human_readable = property(human_readable)
