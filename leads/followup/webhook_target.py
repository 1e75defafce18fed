"""Where the CRM webhook may post: https, to public internet addresses only.

An admin types the URL (Settings > Lead settings), but the server is the one that connects, so
an unchecked URL lets whoever can edit it reach what only the server can: loopback services,
the private network, cloud metadata (169.254.169.254). The host is resolved and every address
it resolves to must be public, when the URL is saved (`validate_webhook_url`, on the model
field) and again before each send (`webhook_target`), since DNS can change in between; the
send then connects to the address that was checked (not a second lookup), so a name that
answers differently the second time cannot slip through (DNS rebinding).

Tests only: `settings.LEAD_WEBHOOK_UNSAFE_TEST_HOSTS` lists "host:port" pairs (a loopback
receiver) that are exempt from the https and public-address rules. Empty everywhere else.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

# IPv6 ranges that carry an IPv4 address in their last 32 bits (NAT64, RFC 6052 and 8215).
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class UnsafeWebhookURL(Exception):
    """The URL may not be posted to; the message says why, in words for an admin."""

    # What a delivery records as its last error (outbox.describe_error): sales read it.
    plain_description = "CRM endpoint not allowed: check the URL in Settings > Lead settings"


@dataclass(frozen=True)
class Target:
    """A checked webhook URL: where to connect (`address`), and what to ask for."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def is_public(address: str) -> bool:
    """A globally routable unicast address: not loopback, private, link-local, shared (CGNAT),
    reserved, multicast or unspecified, in IPv4 or IPv6, nor an IPv6 form of such an IPv4
    (mapped, NAT64: judged by the IPv4 they carry; 6to4, Teredo: both must be public)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    if ip.version == 6:
        if ip.ipv4_mapped:
            return is_public(str(ip.ipv4_mapped))
        if any(ip in network for network in NAT64):
            return is_public(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
        inner = [ip.sixtofour, *(ip.teredo or ())]
        if not all(is_public(str(v4)) for v4 in inner if v4 is not None):
            return False
    return ip.is_global and not is_special(ip)


def is_special(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or getattr(ip, "is_site_local", False)
    )


def webhook_target(url: str) -> Target:
    """Check `url` and resolve its host; raises UnsafeWebhookURL unless it is https to a host
    whose every address is public."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeWebhookURL("Enter a valid URL.") from None
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeWebhookURL("Enter a URL with a host name, e.g. https://crm.example.com/hook.")
    scheme = parts.scheme.lower()
    port = port or (443 if scheme == "https" else 80)
    exempt = f"{host}:{port}" in settings.LEAD_WEBHOOK_UNSAFE_TEST_HOSTS
    if scheme != "https" and not (exempt and scheme == "http"):
        raise UnsafeWebhookURL("Use an https:// address: leads are personal data.")
    if parts.username or parts.password:
        raise UnsafeWebhookURL(
            "Leave the user name and password out of the URL: the webhook secret signs each "
            "request."
        )
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeWebhookURL(f"The host {host} could not be found.") from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not addresses:
        raise UnsafeWebhookURL(f"The host {host} could not be found.")
    if not exempt and not all(is_public(address) for address in addresses):
        raise UnsafeWebhookURL(
            "This address is on a private, loopback or reserved network. The CRM webhook "
            "only posts to public internet addresses."
        )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme, host, port, path, addresses[0])


def validate_webhook_url(value: str) -> None:
    """The model field's validator: the same checks, when an admin saves the URL."""
    if not value:
        return
    try:
        webhook_target(value)
    except UnsafeWebhookURL as error:
        raise ValidationError(str(error), code="unsafe_webhook_url") from None
