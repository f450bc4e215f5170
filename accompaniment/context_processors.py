from django.conf import settings


def club(request):
    """Values every template may show: the club's name and currency."""
    return {"CLUB_NAME": settings.CLUB_NAME, "CURRENCY": settings.CURRENCY}
