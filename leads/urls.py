"""The public path's URLs (names and addresses unchanged since the views moved to
leads/capture/)."""

from django.urls import path

from .capture import beacons, links, views

app_name = "leads"

urlpatterns = [
    path("cta/<int:cta_id>/", views.cta_page, name="cta"),
    path("cta/<int:cta_id>/submit/", views.submit, name="submit"),
    path("cta/<int:cta_id>/form/", views.known_form, name="known_form"),
    path("cta/<int:cta_id>/seen/", beacons.seen, name="seen"),
    path("forms/viewed/", beacons.forms_viewed, name="forms_viewed"),
    path("thanks/<str:token>/", links.thanks, name="thanks"),
    path("download/<str:token>/", links.download, name="download"),
    path("subscribe/confirm/<str:token>/", links.opt_in, name="opt_in"),
    path("unsubscribe/<str:token>/", links.unsubscribe, name="unsubscribe"),
]
