import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from programs.models import Session
from programs.scheduling import session_cancel, session_confirm
from programs.tests import factories as pf

pytestmark = pytest.mark.django_db


def coming(**extra) -> Session:
    return pf.SessionFactory(scheduled_at=timezone.now() + datetime.timedelta(days=2), **extra)


def test_a_session_is_confirmed_once_with_the_time_and_the_channel():
    session = coming()
    before = timezone.now()
    session_confirm(session=session, channel=Session.Confirmation.TELEGRAM)
    session.refresh_from_db()
    assert session.confirmed_via == "telegram" and session.confirmed_at >= before
    with pytest.raises(ValidationError) as refused:
        session_confirm(session=session, channel=Session.Confirmation.PAGE)
    assert refused.value.code == "confirmed_already"
    assert refused.value.messages == ["This session is confirmed already."]
    session.refresh_from_db()
    assert session.confirmed_via == "telegram"


def test_a_cancelled_session_cannot_be_confirmed_and_an_unknown_channel_is_refused():
    session = coming()
    with pytest.raises(ValidationError):
        session_confirm(session=session, channel="pigeon")
    session_cancel(session=session, reason="Client is ill", user=None)
    with pytest.raises(ValidationError) as refused:
        session_confirm(session=session, channel=Session.Confirmation.STAFF)
    assert refused.value.messages == ["Only a planned session can be confirmed."]
    session.refresh_from_db()
    assert session.confirmed_at is None
