from django.core.management.base import BaseCommand

from directives.models import Directive, ProgressReport
from lampang_tracker import fulltext, thai
from meetings.models import Letter
from minutes.models import AgendaItem, AgendaSection

MODELS = [Directive, ProgressReport, AgendaSection, AgendaItem, Letter]


class Command(BaseCommand):
    help = "เขียนคอลัมน์ค้นหา (search_text) ของข้อสั่งการ รายงานผล รายงานการประชุม และหนังสือสั่งการใหม่ทั้งหมด"

    def handle(self, *args, **options) -> None:
        for model in MODELS:
            changed = thai.backfill_search_text(model, model.SEARCH_FIELDS)
            self.stdout.write(f"{model._meta.verbose_name}: {changed} แถวที่เปลี่ยน")
        # SQLite: the FTS5 indexes of those columns, built again from them.
        for table in fulltext.ensure(rebuild=True):
            self.stdout.write(f"ดัชนีค้นหา {table}: สร้างใหม่แล้ว")
