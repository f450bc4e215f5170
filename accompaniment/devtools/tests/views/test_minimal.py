"""The development tools' minimal page: the bench's yardstick of requests per second."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from core import roles

pytestmark = pytest.mark.django_db


def test_the_minimal_page_renders_the_base_template_for_a_logged_in_user(make_user):
    http = HttpClient()
    assert http.get(reverse("devtools:minimal")).status_code == 302  # log in first
    http.force_login(make_user(roles.MANAGER))
    response = http.get(reverse("devtools:minimal"))
    assert response.status_code == 200
    assert "base.html" in [template.name for template in response.templates]
