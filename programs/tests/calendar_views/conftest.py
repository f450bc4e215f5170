import pytest

from programs.tests.calendar.support import build_spa


@pytest.fixture
def spa(db, make_user):
    return build_spa(make_user)
