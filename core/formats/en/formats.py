"""English as a club in Ukraine writes it: day first (07.12.2026, 7 December 2026), a 24-hour
clock, weeks from Monday. Amounts keep the English separators (1,234.50)."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# The first of each list is how a date field shows its value (the admin site's included).
DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # '07.12.2026'
    "%d.%m.%y",  # '07.12.26'
    "%d/%m/%Y",  # '07/12/2026': day first, as written here
    "%Y-%m-%d",  # '2026-12-07'
    "%d %B %Y",  # '7 December 2026'
    "%d %b %Y",  # '7 Dec 2026'
]
TIME_INPUT_FORMATS = [
    "%H:%M:%S",  # '14:30:59'
    "%H:%M",  # '14:30'
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",  # '07.12.2026 14:30:59'
    "%d.%m.%Y %H:%M",  # '07.12.2026 14:30'
    "%d/%m/%Y %H:%M:%S",  # '07/12/2026 14:30:59'
    "%d/%m/%Y %H:%M",  # '07/12/2026 14:30'
    "%Y-%m-%d %H:%M:%S",  # '2026-12-07 14:30:59'
    "%Y-%m-%d %H:%M",  # '2026-12-07 14:30'
]
