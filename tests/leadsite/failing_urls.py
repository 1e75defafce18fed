"""A URLconf with views that fail: for the error-reporting test (tests/leadsite/test_log.py) and
the database outage page (tests/leadsite/test_outage.py)."""

from django.db import OperationalError
from django.urls import path


def fail(request):
    raise ValueError(f"Could not store {request.POST.get('email')}")


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


urlpatterns = [path("fail/", fail), path("database-down/", database_down)]
