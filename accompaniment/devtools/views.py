"""The development tools' one page: a minimal logged-in page that renders the base template —
the bench's yardstick for requests per second (``bench/throughput.py``)."""

from django.shortcuts import render

from core.capabilities import LOGGED_IN, requires


@requires(LOGGED_IN)
def minimal(request):
    return render(request, "devtools/minimal.html")
