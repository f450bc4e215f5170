"""How dates, times and numbers are written and typed in each interface language
(``FORMAT_MODULE_PATH``): the club's own formats, read before Django's.

Each language has one short and one long form, and every template, letter and CSV names them
(``SHORT_DATE_FORMAT`` / ``SHORT_DATETIME_FORMAT`` for lists, tables and CSV; ``DATE_FORMAT`` /
``DATETIME_FORMAT`` for headings, letters and print; ``TIME_FORMAT`` for a time alone):
``core/tests/formats/test_date_and_time_formats.py`` fails on a date filter whose argument is neither a format's
name nor a valid format string. Russian and Ukrainian (``ru/``, ``uk/``) write dates day first with
dots (07.12.2026) and in words (7 декабря 2026), 24-hour times with two-digit hours; what is
typed and how numbers are written stay Django's (a comma before the decimals). English is the English of a club in
Ukraine, not of the United States (``en/formats.py``): day first with dots as well, 24-hour
times, Monday first; a date typed month first (12/07/2026) is never read, so that 07/12/2026
cannot become the 12th of July. ISO dates (2026-12-07) are read in every language.
"""
