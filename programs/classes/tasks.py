from celery import shared_task


@shared_task(name="programs.extend_class_timetable")
def extend_class_timetable(day: str | None = None) -> dict:
    """Generate every active group class's occurrences up to ``CLASS_TIMETABLE_WEEKS`` ahead
    (``programs.classes.timetable``); conflicting days are skipped and listed."""
    import datetime

    from .timetable import class_timetable_extend

    report = class_timetable_extend(today=datetime.date.fromisoformat(day) if day else None)
    return {"added": report.added, "removed": report.removed, "skipped": report.skipped}
