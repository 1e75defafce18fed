"""Where a lead came from, read on the server without tracking cookies.

Last touch is the page the form was posted from (the browser's Referer, same-origin, so it
keeps the query string and its UTM parameters). First touch is the visit's landing page and
external referrer, which leads.js keeps in sessionStorage (one tab, one visit; never a cookie)
and posts with the form. Without JavaScript, first touch is the last touch.
Everything here is visitor-supplied text: stored cleaned (leads/cleaning.py) and clipped,
and shown escaped.
"""

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from ..cleaning import clean_line, clip_url
from .visit import Visit

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
UTM_MAX = 100


def utm_from(url: str) -> dict[str, str]:
    """The UTM parameters of a URL, percent-decoded, then cleaned (a `%00` decodes to NUL)."""
    query = parse_qs(urlsplit(url).query) if url else {}
    return {key: clean_line((query.get(key) or [""])[0])[:UTM_MAX] for key in UTM_KEYS}


@dataclass
class Touch:
    landing_page: str = ""
    referrer: str = ""
    utm: dict = field(default_factory=dict)

    @classmethod
    def from_urls(cls, landing_page: str, referrer: str) -> "Touch":
        landing_page, referrer = clip_url(landing_page), clip_url(referrer)
        return cls(landing_page, referrer, utm_from(landing_page))

    def as_dict(self) -> dict:
        return {"landing_page": self.landing_page, "referrer": self.referrer, **self.utm}


@dataclass
class Attribution:
    first: Touch
    last: Touch
    # The campaign of the page the form was on (a landing page's, signed in the form token):
    # the lead counts under it when the visit's URLs name no utm_campaign of their own.
    campaign: str = ""

    @classmethod
    def for_visit(
        cls,
        visit: Visit,
        *,
        first_landing: str = "",
        first_referrer: str = "",
        posted_from: str = "",
        campaign: str = "",
    ) -> "Attribution":
        """Last touch: the page that posted the form (as the form carried it back from an
        error page, else the Referer). First: what leads.js kept, if anything. `campaign`:
        the page's own campaign, for a visit whose URLs name none."""
        candidates = (posted_from, visit.referer)
        posted_from = next((url for url in candidates if url and same_origin(url, visit.host)), "")
        last = Touch.from_urls(posted_from, "")
        if first_landing and same_origin(first_landing, visit.host):
            first = Touch.from_urls(first_landing, first_referrer)
            # The visit's external referrer is the last touch's referrer too: one visit.
            last.referrer = first.referrer
        else:
            first = last
        return cls(first=first, last=last, campaign=clean_line(campaign)[:UTM_MAX])

    def as_fields(self) -> dict:
        """Columns of a submission: the last campaign touch (the posting page's UTM parameters,
        else the landing page's; its utm_campaign, else the page's own campaign), plus the
        whole first touch."""
        utm = self.last.utm if any(self.last.utm.values()) else self.first.utm
        utm = utm or dict.fromkeys(UTM_KEYS, "")
        if self.campaign and not utm.get("utm_campaign"):
            utm = {**utm, "utm_campaign": self.campaign}
        return {
            **utm,
            "referrer": self.last.referrer,
            "landing_page": self.last.landing_page,
            "first_touch": self.first.as_dict(),
        }


def with_posted_from(data, visit: Visit):
    """The posted form data, with `posted_from` set to the page that posted it (the Referer,
    if it is on this site) unless the form already carries one: a form that comes back with an
    error then keeps it for the resend. Without JavaScript the error page's address is the
    submit URL, and a resend's Referer would make that the landing page, UTM lost."""
    kept = data.get("posted_from", "")
    if kept and same_origin(kept, visit.host):
        return data
    if not visit.referer or not same_origin(visit.referer, visit.host):
        return data
    data = data.copy()
    data["posted_from"] = visit.referer
    return data


def same_origin(url: str, host: str) -> bool:
    """Is `url` an http(s) address on this site (`host`, as the request addressed it)?"""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and parts.netloc == host
