"""Russian as the club writes it: the short form for lists, tables and CSV (07.12.2026 14:30),
the long one for headings, letters and the printed program (7 декабря 2026, 14:30), a 24-hour
clock with two-digit hours, weeks from Monday. What is typed into forms and how numbers are
written stay Django's (read after this module)."""

DATE_FORMAT = "j E Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j E Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
