"""A URLconf with one view that fails, for the error-reporting test (tests/leadsite/test_log.py)."""

from django.urls import path


def fail(request):
    raise ValueError(f"Could not store {request.POST.get('email')}")


urlpatterns = [path("fail/", fail)]
