from django.apps import AppConfig


class LampangTrackerConfig(AppConfig):
    name = "lampang_tracker"
    verbose_name = "ระบบติดตามข้อสั่งการ"
