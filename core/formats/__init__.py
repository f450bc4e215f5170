"""How dates, times and numbers are written and typed in each interface language
(``FORMAT_MODULE_PATH``): the club's own formats, read before Django's.

Russian and Ukrainian keep Django's: dates written and typed day first with dots
(07.12.2026), 24-hour times, a comma before the decimals. English is the English of a club in
Ukraine, not of the United States (``en/formats.py``): day first with dots as well, 24-hour
times, Monday first; a date typed month first (12/07/2026) is never read, so that 07/12/2026
cannot become the 12th of July. ISO dates (2026-12-07) are read in every language.
"""
