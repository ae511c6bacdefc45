from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("notifications/preferences/", views.preferences, name="notification_preferences"),
    path("notifications/line/code/", views.line_code, name="notification_line_code"),
    path("notifications/line/unlink/", views.line_unlink, name="notification_line_unlink"),
    path("notifications/calendar/renew/", views.calendar_renew, name="notification_calendar_renew"),
    path("notifications/outbox/", views.outbox, name="notification_outbox"),
    path("notifications/outbox/<int:pk>/resend/", views.outbox_resend, name="notification_resend"),
    path("notifications/settings/", views.notify_settings, name="notification_settings"),
    path("notifications/agencies/<int:pk>/", views.agency_setting, name="notification_agency"),
    path(
        "notifications/agencies/<int:pk>/calendar/renew/",
        views.agency_calendar_renew,
        name="notification_agency_calendar_renew",
    ),
    path("calendar/user/<str:token>.ics", views.calendar_user, name="calendar_user"),
    path("calendar/agency/<str:token>.ics", views.calendar_agency, name="calendar_agency"),
    path("line/webhook/", views.line_webhook, name="line_webhook"),
]
