from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from lampang_tracker.auth import admin_login
from people.forms import LoginForm

from . import views

# The admin signs people in through the app's login page (throttled, in Thai).
admin.site.login = admin_login

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("agencies.urls")),
    path("", include("meetings.urls")),
    path("", include("directives.urls")),
    path("", include("directives.pdf_urls")),
    path("", include("minutes.urls")),
    path("", include("imports.urls")),
    path("", include("notifications.urls")),
    path("", include("people.urls")),
    path("", include("dashboards.urls")),
    path("", include("opendata.urls")),
    # The open-data pages: no login, published rows only (opendata/public_urls.py).
    path("public/", include("opendata.public_urls")),
    path("", include("search.urls")),
]
