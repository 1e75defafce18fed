"""Values every template may use: the site name (`site_meta`, listed in `settings.TEMPLATES`)."""

from django.conf import settings


def site_meta(request):
    """Site-wide values every public template needs (name, canonical origin)."""
    return {
        "SITE_NAME": settings.WAGTAIL_SITE_NAME,
        "LEAD_BOOKING_URL": settings.LEAD_BOOKING_URL,
    }
