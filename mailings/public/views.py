"""The pages an email's links lead to. Built in the preference-centre change; these answer
404 until then."""

from django.http import Http404


def unsubscribe(request, token):
    raise Http404


def preferences(request, token):
    raise Http404


def click(request, token):
    raise Http404
