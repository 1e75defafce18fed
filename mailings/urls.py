"""What recipients reach from an email without signing in (mailings/public/)."""

from django.urls import path

from .public import views

app_name = "mailings"

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("c/<str:token>/", views.click, name="click"),
]
