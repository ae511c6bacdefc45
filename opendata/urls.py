from django.urls import path

from . import views

# The secretariat's switch; the public pages themselves are in public_urls.py.
urlpatterns = [
    path("meetings/<int:pk>/publish/", views.meeting_publish, name="meeting_publish"),
    path("letters/<int:pk>/publish/", views.letter_publish, name="letter_publish"),
]
