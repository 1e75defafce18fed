"""Health endpoints for load balancers and orchestrators.

`/healthz` (liveness): the process answers; touches nothing else. `/readyz` (readiness): the
database and the cache answer. Both say only "ok" or "unavailable": no versions, hosts or
error texts for anyone who finds them.

A middleware, first in MIDDLEWARE, rather than a view: a load balancer probes by IP address
over plain HTTP, which ALLOWED_HOSTS and the HTTPS redirect would otherwise refuse, and a
probe should not cost a session, CSRF or page-cache lookup.
"""

import logging

from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"


def probe_response(ready: bool) -> HttpResponse:
    response = HttpResponse(
        b"ok\n" if ready else b"unavailable\n",
        status=200 if ready else 503,
        content_type="text/plain; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    return response


def is_ready() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        cache.set("health:probe", 1, timeout=10)
        if cache.get("health:probe") != 1:
            raise RuntimeError("the cache did not keep a value")
    except Exception as error:  # any failure means "not ready"
        # The class only: connection errors can carry host names and user names.
        logger.warning("Readiness probe failed: %s", type(error).__name__)
        return False
    return True


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            if request.path == LIVENESS_PATH:
                return probe_response(True)
            if request.path == READINESS_PATH:
                return probe_response(is_ready())
        return self.get_response(request)
