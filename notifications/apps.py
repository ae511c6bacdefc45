from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "การแจ้งเตือน"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects to directives.events and minutes.events)
