from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "ผู้ใช้งานและบัญชี"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the login/logout receivers)
