"""The speed bench behind ``manage.py bench``: a big club seeded in chunks (``club.py``,
``history.py``) and the main pages timed on it (``measure.py``)."""
