"""A locked-out sign-in answers 429 with Retry-After: the cool-off, when the lock lifts."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@override_settings(AXES_COOLOFF_TIME=datetime.timedelta(minutes=15))
def test_locked_sign_in_says_when_to_retry():
    User.objects.create_user("rita", "rita@site.example", "a-long-password-1", is_staff=True)
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "rita", "password": "wrong"})

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "rita" not in response.content.decode()
