"""What the capture service knows of the request that brought a form.

The view reads these few values off the request and hands them on, so that the service never
sees an `HttpRequest`: tests and demo data capture leads through the same service with a
`Visit` of their own.
"""

from dataclasses import dataclass

from leadsite.client_ip import client_ip


@dataclass(frozen=True)
class Visit:
    """The request behind a capture: the host the browser addressed (attribution keeps only
    same-site addresses), its Referer (the last touch without JavaScript), and the client's
    IP for the rate limits. `ip=None`: not a visitor's request (demo data, tests), which no
    rate limit applies to."""

    host: str = ""
    referer: str = ""
    ip: str | None = None

    @classmethod
    def from_request(cls, request) -> "Visit":
        return cls(
            host=request.get_host(),
            referer=request.headers.get("Referer", ""),
            ip=client_ip(request),
        )
