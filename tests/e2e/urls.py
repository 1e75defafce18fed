"""The site's URLs, plus uploaded media, for the browser tests' live server.

In production the web server (or a CDN) serves MEDIA_URL, and `leadsite.urls` adds it only when
DEBUG is on. The tests run with DEBUG off, so without this the hero and card images would be
broken in the browser under test.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from leadsite.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    re_path(
        r"^{}(?P<path>.*)$".format(settings.MEDIA_URL.lstrip("/")),
        serve,
        {"document_root": settings.MEDIA_ROOT},
    ),
    *site_urlpatterns,
]
