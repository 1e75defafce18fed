"""The visitor's IP address, for rate limits and sign-in lockouts.

`REMOTE_ADDR` unless the operator declares how many proxies stand in front of the app
(`TRUSTED_PROXY_COUNT`: 1 for nginx alone, 2 for a CDN in front of nginx). Each of those
proxies appends the address it received the request from to X-Forwarded-For, so the client is
the entry that many places from the right; anything further left was written by the client
and is ignored. This is the rule of Django REST framework's NUM_PROXIES and Werkzeug's
ProxyFix(x_for=N). Without a declared count the header is never read, so rotating it gains
an attacker nothing.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [hop for hop in forwarded if hop]
    if not forwarded:
        return remote
    candidate = forwarded[-min(count, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # not an address: a misconfigured proxy, not a client to trust
        return remote
