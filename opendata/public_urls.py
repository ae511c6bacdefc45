"""/public/: open data, no login. Only views that read Directive.objects.published()."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.public_index, name="public_index"),
    path("dictionary/", views.public_dictionary, name="public_dictionary"),
    path("directives.csv", views.public_csv, name="public_csv"),
    path("directives.json", views.public_json, name="public_json"),
    path("metadata.json", views.public_metadata, name="public_metadata"),
]
