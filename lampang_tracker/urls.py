from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from lampang_tracker.auth import admin_login

from . import views

# The admin signs people in through the app's login page (throttled, in Thai).
admin.site.login = admin_login

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("agencies.urls")),
    path("", include("meetings.urls")),
    path("", include("directives.urls")),
    path("", include("directives.pdf_urls")),
    path("", include("minutes.urls")),
    path("", include("imports.urls")),
    path("", include("search.urls")),
]
