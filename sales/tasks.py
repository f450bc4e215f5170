"""Celery tasks of the sales app: the nightly refresh of the stored relationship stages."""

from celery import shared_task


@shared_task(name="sales.refresh_stages")
def refresh_stages(day: str | None = None) -> int:
    """Store every client's relationship stage as of the club's local date (``sales.stages``);
    returns how many changed."""
    import datetime

    from django.utils import timezone

    from .stages import stages_refresh

    return stages_refresh(datetime.date.fromisoformat(day) if day else timezone.localdate())
