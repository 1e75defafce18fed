"""The answer to a locked-out sign-in (django-axes, AXES_LOCKOUT_CALLABLE).

Axes' own answer, a 429 with its message that names neither the username nor the address, plus
`Retry-After`: when the cool-off ends and the lock lifts (every 429 of the site says when to
come back).
"""

import math

from axes.conf import settings
from axes.helpers import get_cool_off, get_lockout_message
from django.http import HttpResponse


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    response = HttpResponse(get_lockout_message(), status=settings.AXES_HTTP_RESPONSE_CODE)
    cool_off = get_cool_off(request)
    if cool_off:
        response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response
