"""A database outage answers 503 Service Unavailable with Retry-After, never a 500.

While the database restarts or fails over, a page that needs it cannot be rendered: the
visitor gets a short page saying so and when to try again, load balancers and crawlers get a
status that means "temporary", and no error report is raised for each request. Pages served
from the page cache keep working. The lead form's own view does better than this page: it
gives the visitor's answers back (leads/capture/views.py); a lead must not be lost to it.

Django closes a connection that failed at the end of the request and checks persistent ones
before reuse (CONN_HEALTH_CHECKS), so the site recovers by itself once the database is back.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# The exceptions that mean "the database cannot be reached right now", not a bug in a query.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def unavailable(response: HttpResponse) -> HttpResponse:
    """Mark `response` as a temporary outage: Retry-After, and no cache may keep it."""
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        # The class only: the message can name the database host and user.
        logger.error("Database unavailable: %s", type(exception).__name__)
        # No request context: its processors may need the database that is down.
        body = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
        return unavailable(HttpResponse(body, status=503))
