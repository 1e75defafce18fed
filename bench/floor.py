"""The framework floor: the fastest a Django view can be served on this machine.

A whole Django project in one module: configured in code, no apps, no middleware, no
database, one view returning a short response. The bench scripts serve it with the same
gunicorn setup as the site and divide the site's requests/s by this one's, so the ratio
says how much of the budget our own code spends, independent of the machine.

    .venv/bin/gunicorn --chdir bench floor:application
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-floor-serves-no-sessions",  # noqa: S106 - nothing here is signed
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    MIDDLEWARE=[],
    USE_TZ=True,
)


def floor(request):
    return HttpResponse("The framework floor.\n", content_type="text/plain")


urlpatterns = [path("", floor)]

application = get_wsgi_application()
