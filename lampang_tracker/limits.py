"""How long a text the tracker takes, in characters, and the Thai message past it.

No single request may tie up a worker: a 1 MB directive text was accepted once, and
its summary PDF then took 97 s. The limits leave ample room for real documents (the
longest directive of the seed meeting has about 900 characters, the longest item of
the seed minutes about 2,000) and are checked by the forms (next to the field) and
again by the models' clean(), which the services call, for writes that come through
an import or a script.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from lampang_tracker import thai

DIRECTIVE_TEXT = 20_000  # ประเด็น / ข้อสั่งการ
REPORT_TEXT = 10_000  # รายงานผลการดำเนินงาน
MINUTES_BODY = 30_000  # สาระสำคัญ / รายละเอียดของวาระหรือเรื่อง
RESOLUTION = 10_000  # มติที่ประชุม
ATTENDEE_LINES = 30_000  # รายชื่อที่วางทีละหลายบรรทัด
NOTE = 5_000  # เหตุผล ความเห็น หมายเหตุ คำขอแก้ไข
FREE_PARTIES = 3_000  # หน่วยงานอื่น ๆ ที่พิมพ์เอง (บรรทัดละ ๓๐๐)
SEARCH = 200  # คำค้นหา
TEXT = 2_000  # any other text box without a limit of its own

# How many lines one paste may add: a meeting of every head of agency has about 150
# people; a directive names a few agencies by hand (the rest are ticked). One paste
# once made 4,923 attendees and an 8.5 MB page.
ATTENDEE_LINE_COUNT = 300  # รายชื่อผู้ประชุมที่วางในครั้งเดียว
PARTY_LINE_COUNT = 50  # หน่วยงานที่พิมพ์เองของข้อสั่งการหนึ่งข้อ


def number(value: int) -> str:
    """๒๐,๐๐๐"""
    return thai.thai_digits(f"{value:,}")


def too_long(length: int, limit: int) -> str:
    return f"ข้อความยาวได้ไม่เกิน {number(limit)} ตัวอักษร (ที่พิมพ์มามี {number(length)} ตัวอักษร)"


def too_many_lines(count: int, limit: int) -> str:
    return f"วางได้ครั้งละไม่เกิน {number(limit)} บรรทัด (ที่วางมามี {number(count)} บรรทัด) กรุณาแบ่งวางเป็นหลายครั้ง"


def filled_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def check_lines(text: str, limit: int) -> None:
    """Raise a ValidationError (in Thai) when ``text`` has more than ``limit`` filled lines."""
    if (count := filled_lines(text)) > limit:
        raise ValidationError(too_many_lines(count, limit), code="too_many_lines")


def check_lengths(obj, **limits: int) -> None:
    """Raise a ValidationError naming each of ``obj``'s text attributes that is too long."""
    errors = {
        name: too_long(len(value), limit)
        for name, limit in limits.items()
        if len(value := getattr(obj, name) or "") > limit
    }
    if errors:
        raise ValidationError(errors)
