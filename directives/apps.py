from django.apps import AppConfig
from django.db import connections
from django.db.backends.signals import connection_created


class DirectivesConfig(AppConfig):
    name = "directives"
    verbose_name = "ข้อสั่งการ"

    def ready(self):
        from . import datacache

        # Every connection watches its writes (datacache): those made from now on and
        # any already open.
        connection_created.connect(datacache.install, dispatch_uid="directives_datacache")
        for connection in connections.all(initialized_only=True):
            datacache.install(connection=connection)
