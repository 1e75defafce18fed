from django.urls import path

from . import views

app_name = "leads"

urlpatterns = [
    path("cta/<int:cta_id>/", views.cta_page, name="cta"),
    path("cta/<int:cta_id>/submit/", views.submit, name="submit"),
    path("cta/<int:cta_id>/seen/", views.seen, name="seen"),
    path("forms/viewed/", views.forms_viewed, name="forms_viewed"),
    path("thanks/<str:token>/", views.thanks, name="thanks"),
    path("download/<str:token>/", views.download, name="download"),
    path("subscribe/confirm/<str:token>/", views.opt_in, name="opt_in"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
