"""Probes for load balancers: alive without the database, ready with it, and discreet."""

import pytest
from django.test import Client, override_settings

from leadsite.settings.base import redis_cache
from tests.leadsite.fresh_process import run_python

UNREACHABLE_REDIS = {"default": redis_cache("redis://127.0.0.1:1/0")}


def test_liveness_answers_without_touching_the_database():
    # No django_db mark: pytest-django fails any database access in this test.
    response = Client().get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert response["Cache-Control"] == "no-store"


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["www.example.com"])
def test_probes_answer_a_load_balancer_asking_by_ip_over_http():
    response = Client().get("/healthz", HTTP_HOST="10.0.0.5")
    assert response.status_code == 200


@pytest.mark.django_db
def test_readiness_is_ok_when_database_and_cache_answer():
    response = Client().get("/readyz")
    assert (response.status_code, response.content) == (200, b"ok\n")


@pytest.mark.django_db
@override_settings(CACHES=UNREACHABLE_REDIS)
def test_readiness_fails_when_the_cache_is_down():
    response = Client().get("/readyz")
    assert (response.status_code, response.content) == (503, b"unavailable\n")


READY_WITHOUT_DATABASE = """
import django; django.setup()
from django.test import Client
response = Client().get("/readyz")
print(response.status_code, response.content.decode().strip())
"""


def test_readiness_fails_without_revealing_why_when_the_database_is_down():
    result = run_python(
        "-c",
        READY_WITHOUT_DATABASE,
        DJANGO_SETTINGS_MODULE="leadsite.settings.test",
        DATABASE_URL="postgres://leadsite:secret@127.0.0.1:1/leadsite",
    )
    assert result.stdout.strip() == "503 unavailable", result.stderr
