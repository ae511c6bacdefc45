"""``manage.py send_notifications [--digest] [--dry-run]``: run from cron or a systemd
timer every few minutes (and with --digest at 07:30 Asia/Bangkok).

Each run queues today's time-based reminders (found by queries; the outbox's unique
constraint makes a second run queue nothing new), then sends at most ``--limit``
queued messages whose time has come, retrying failures with backoff. ``--digest``
also queues the วิกฤต summary and sends one digest per recipient and channel.
``--dry-run`` prints what would go and writes nothing.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from notifications import reminders, services


class Command(BaseCommand):
    help = "ส่งการแจ้งเตือน (อีเมล LINE) ที่ถึงเวลาส่ง และคิวการเตือนตามกำหนดเวลา"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--digest", action="store_true", help="ส่งสรุปประจำวันด้วย (ตั้งเวลา ๐๗.๓๐ น.)")
        parser.add_argument("--dry-run", action="store_true", help="แสดงสิ่งที่จะส่ง โดยไม่ส่งและไม่บันทึก")
        parser.add_argument("--limit", type=int, default=500, help="ส่งได้มากที่สุดกี่ข้อความต่อรอบ (default 500)")

    def handle(self, *args, digest: bool, dry_run: bool, limit: int, **options) -> None:
        start = time.perf_counter()
        on = timezone.localdate()
        limit = max(1, min(limit, 10000))
        with transaction.atomic():
            queued = reminders.queue_reminders(on=on)
            if digest:
                queued += reminders.queue_critical_digest(on=on)
            if dry_run:
                # See what the reminders would queue, then leave the database as it was.
                outcome = services.deliver(now=timezone.now(), limit=limit, dry_run=True)
                lines = outcome.lines
                if digest:
                    lines += services.deliver_digests(now=timezone.now(), dry_run=True).lines
                transaction.set_rollback(True)
        if dry_run:
            self.stdout.write(f"[dry-run] การเตือนใหม่ {queued} รายการ; จะส่ง {len(lines)} ข้อความ:")
            for line in lines:
                self.stdout.write(f"  {line}")
            return
        # After queueing: what was queued a moment ago is due now.
        outcome = services.deliver(now=timezone.now(), limit=limit)
        if digest:
            digest_outcome = services.deliver_digests(now=timezone.now())
            outcome.sent += digest_outcome.sent
            outcome.failed += digest_outcome.failed
            outcome.retrying += digest_outcome.retrying
        self.stdout.write(
            f"queued {queued}, sent {outcome.sent}, retrying {outcome.retrying}, failed {outcome.failed} "
            f"({time.perf_counter() - start:.2f} s)"
        )
