from django.core.management.base import BaseCommand

from directives import datacache


class Command(BaseCommand):
    help = (
        "ให้ตัวเลขสรุปของหน้าแรกและแดชบอร์ดนับใหม่จากฐานข้อมูล: after rows were changed outside the "
        "application (psql, sqlite3), which the running servers cannot see."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="the database alias (default: default)")

    def handle(self, *args, database: str, **options) -> None:
        datacache.bump(database)
        self.stdout.write("ตัวเลขสรุปจะนับใหม่ในคำขอถัดไป")
