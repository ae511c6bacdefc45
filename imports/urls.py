from django.urls import path

from . import views

urlpatterns = [
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/<str:token>/", views.import_preview, name="import_preview"),
]
