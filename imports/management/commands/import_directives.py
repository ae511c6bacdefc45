"""``manage.py import_directives PATH [--meeting ID | --letter] [--dry-run] [--json]``

Reads a summary (.docx, .pdf or text) into a meeting, or a letter into a new
letter whose ที่, date and เรื่อง come from the document. Parties are matched to
agencies as on the import page; a party below the matching threshold is kept as
free text. ``--dry-run`` writes nothing; ``--json`` prints one object:
``{"source": {...}, "items": [{"number": "3.1", "heading": "", "text": "…",
"parties": [{"label": "…", "agency_id": 12, "group_id": null, "score": 96}],
"due_date": "2024-10-31", "report_day": null, "report_until": null}, …]}``.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from directives.services import DomainError
from imports import parsers
from imports.matching import Matcher
from imports.services import content_sha256, import_commit, reviewed_as_parsed
from meetings.models import Meeting

LETTER_FIELDS = (
    "number",
    "date",
    "subject",
    "sender",
    "recipient",
    "reference",
    "enclosures",
    "urgency",
    "body",
    "signer",
)


def _iso(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


class Command(BaseCommand):
    help = "นำเข้าข้อสั่งการจากสรุปประเด็นการประชุม (.docx/.pdf/ข้อความ) หรือหนังสือสั่งการ"

    def add_arguments(self, parser):
        parser.add_argument("path", help="ไฟล์ .docx, .pdf หรือ .txt")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--meeting", type=int, help="รหัสการประชุมที่จะนำเข้า")
        target.add_argument("--letter", action="store_true", help="สร้างหนังสือสั่งการใหม่จากเอกสาร")
        parser.add_argument("--dry-run", action="store_true", help="อ่านและแสดงผลเท่านั้น ไม่บันทึก")
        parser.add_argument("--json", action="store_true", help="พิมพ์ผลเป็น JSON")
        parser.add_argument("--again", action="store_true", help="นำเข้าซ้ำแม้เอกสารนี้เคยนำเข้าแล้ว")
        parser.add_argument("--user", default="", help="ชื่อผู้ใช้ที่บันทึก (ค่าเริ่มต้น: ผู้ดูแลระบบคนแรก)")

    def handle(self, *args, path, meeting, letter, dry_run, again, user, **options):
        as_json = options["json"]
        kind = parsers.LETTER if letter else parsers.SUMMARY
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"ไม่พบไฟล์ {path}")
        data = file.read_bytes()
        target = None
        if meeting is not None:
            target = Meeting.objects.filter(pk=meeting).first()
            if target is None:
                raise CommandError(f"ไม่พบการประชุมรหัส {meeting}")
        try:
            if file.suffix.lower() in (".docx", ".pdf"):
                document = parsers.parse(kind=kind, data=data, filename=file.name)
                sha, fmt = content_sha256(data=data), file.suffix.lower().lstrip(".")
            else:
                text = data.decode("utf-8-sig")
                document = parsers.parse(kind=kind, text=text)
                sha, fmt = content_sha256(text=text), "text"
        except parsers.DocumentError as error:
            raise CommandError(str(error)) from error
        except UnicodeDecodeError as error:
            raise CommandError("ไฟล์ข้อความต้องเป็น UTF-8") from error

        matcher = Matcher()
        items = []
        for item in document.items:
            matches = [matcher.match(label) for label in item.party_labels]
            items.append((item, matches))
        if as_json:
            self.stdout.write(self._json(document, items))
        else:
            self._text(document, items)
        if dry_run:
            return
        by = self._user(user)
        reviewed = [reviewed_as_parsed(item, matches) for item, matches in items]
        letter_fields = {k: document.source[k] for k in LETTER_FIELDS if k in document.source} if letter else None
        try:
            batch = import_commit(
                kind=kind,
                items=reviewed,
                sha256=sha,
                filename=file.name,
                source_format=fmt,
                meeting=target,
                letter_fields=letter_fields,
                again=again,
                by=by,
            )
        except DomainError as error:
            raise CommandError(str(error)) from error
        if not as_json:
            self.stdout.write(self.style.SUCCESS(f"นำเข้า {batch.item_count} ข้อ เข้าสู่ {batch.target}"))

    @staticmethod
    def _user(username: str):
        User = get_user_model()
        user = (
            User.objects.filter(username=username).first()
            if username
            else User.objects.filter(is_superuser=True).order_by("pk").first()
            or User.objects.filter(profile__role="secretariat").order_by("pk").first()
        )
        if user is None:
            raise CommandError("ไม่พบผู้ใช้สำหรับบันทึก กรุณาระบุ --user")
        return user

    @staticmethod
    def _json(document, items) -> str:
        payload = {
            "source": {"kind": document.kind, **{k: _iso(v) for k, v in document.source.items() if k != "body"}},
            "items": [
                {
                    "number": item.number,
                    "heading": item.heading,
                    "text": item.text,
                    "parties": [m.as_json() for m in matches],
                    "due_date": _iso(item.due_date),
                    "report_day": item.report_day,
                    "report_until": _iso(item.report_until),
                }
                for item, matches in items
            ],
            "problems": [{"line": line, "message": message} for line, message in document.problems],
        }
        return json.dumps(payload, ensure_ascii=False, indent=1)

    def _text(self, document, items) -> None:
        for key, value in document.source.items():
            if key != "body":
                self.stdout.write(f"{key}: {_iso(value)}")
        for item, matches in items:
            self.stdout.write(f"{item.number:<6} {(item.heading + ' ' + item.text).strip()[:70]}")
            for match in matches:
                flag = " ?" if match.needs_decision else ""
                self.stdout.write(f"         - {match.label} → {match.name or '(ข้อความ)'} {match.score or ''}{flag}")
        for line, message in document.problems:
            self.stdout.write(self.style.WARNING(f"บรรทัด {line}: {message}"))
