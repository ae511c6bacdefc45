from django.apps import AppConfig


class LampangTrackerConfig(AppConfig):
    name = "lampang_tracker"
    verbose_name = "ระบบติดตามข้อสั่งการ"

    def ready(self):
        from lampang_tracker import auth  # noqa: F401  (connects the login signal)
