"""Bulk set-up: read a CSV or XLSX of people, check every row, say in Thai what is
wrong with each, and (on confirm) create the valid ones and invite them.

Agency names are matched on a normalised form of the name, the short name and the
name without its "สำนักงาน"/"จังหวัดลำปาง" parts; a near miss (a typo) is accepted when one
agency is clearly closest, and the preview says which agency it became.
"""

from __future__ import annotations

import io
import re
from dataclasses import asdict, dataclass, field

import tablib
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from openpyxl import Workbook
from rapidfuzz import fuzz, process

from agencies.models import Agency, Profile
from lampang_tracker.thai import thai_digits

from .services import normalise_email

MAX_ROWS = 1000
MAX_BYTES = 2 * 1024 * 1024
FUZZY_CUTOFF = 88
HEADERS = ["ชื่อ-นามสกุล", "ตำแหน่ง", "หน่วยงาน", "บทบาท", "อีเมล"]
COLUMN_NAMES = {
    "name": {"ชื่อ-นามสกุล", "ชื่อนามสกุล", "ชื่อ", "name", "fullname"},
    "position": {"ตำแหน่ง", "position"},
    "agency": {"หน่วยงาน", "สังกัด", "agency"},
    "role": {"บทบาท", "role"},
    "email": {"อีเมล", "อีเมล์", "email", "e-mail"},
}
ROLE_WORDS = {
    Profile.Role.AGENCY: {"ผู้ใช้หน่วยงาน", "หน่วยงาน", "agency", ""},
    Profile.Role.SECRETARIAT: {"ฝ่ายเลขานุการ", "เลขานุการ", "กลุ่มงานอำนวยการ", "secretariat", "staff"},
    Profile.Role.EXECUTIVE: {"ผู้บริหาร", "executive"},
}


class BulkFileError(Exception):
    """The file as a whole cannot be read (the message is in Thai)."""


@dataclass
class Row:
    line: int
    name: str
    position: str
    agency_text: str
    role_text: str
    email: str
    first_name: str = ""
    last_name: str = ""
    role: str = ""
    agency_id: int | None = None
    agency_name: str = ""
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return asdict(self)


def _norm(text: str) -> str:
    return re.sub(r"[\s.\-()]+", "", str(text or "")).casefold()


def _header_key(text: str) -> str | None:
    value = _norm(text)
    for key, names in COLUMN_NAMES.items():
        if value in {_norm(n) for n in names}:
            return key
    return None


class AgencyMatcher:
    def __init__(self, agencies):
        self.keys: dict[str, Agency] = {}
        for agency in agencies:
            for variant in self.variants(agency):
                self.keys.setdefault(variant, agency)

    @staticmethod
    def variants(agency: Agency) -> set[str]:
        name = _norm(agency.name)
        found = {name, _norm(agency.short_name)} - {""}
        bare = name.removeprefix("สำนักงาน")
        found |= {bare, name.removesuffix("จังหวัดลำปาง"), bare.removesuffix("จังหวัดลำปาง")}
        return found - {""}

    def match(self, text: str) -> tuple[Agency | None, bool]:
        """(agency, exact) for ``text``; (None, False) when nothing is close enough."""
        key = _norm(text)
        if not key:
            return None, False
        if key in self.keys:
            return self.keys[key], True
        best = process.extract(key, list(self.keys), scorer=fuzz.ratio, limit=5, score_cutoff=FUZZY_CUTOFF)
        agencies = {self.keys[k].pk: self.keys[k] for k, _, _ in best}
        if len(agencies) == 1:
            return next(iter(agencies.values())), False
        return None, False


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """Every row of the file as text cells (the header included)."""
    if len(data) > MAX_BYTES:
        raise BulkFileError("ไฟล์ใหญ่เกินไป (ไม่เกิน ๒ MB)")
    if not data.strip():
        raise BulkFileError("ไฟล์ว่างเปล่า")
    lower = filename.lower()
    try:
        if lower.endswith(".xlsx"):
            dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx", headers=False)
        elif lower.endswith(".csv"):
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp874")  # Thai Windows (Excel's "CSV" on a Thai PC)
            dataset = tablib.Dataset().load(text, format="csv", headers=False)
        else:
            raise BulkFileError("รองรับเฉพาะไฟล์ .csv หรือ .xlsx")
    except BulkFileError:
        raise
    except Exception as exc:  # a broken or mislabelled file: any parser error means "cannot read"
        raise BulkFileError("อ่านไฟล์ไม่ได้ กรุณาบันทึกเป็น CSV (UTF-8) หรือ XLSX จากแบบฟอร์มแล้วลองใหม่") from exc
    return [["" if cell is None else str(cell).strip() for cell in row] for row in dataset]


def parse(data: bytes, filename: str, *, agencies=None) -> list[Row]:
    table = [row for row in read_table(data, filename) if any(row)]
    if not table:
        raise BulkFileError("ไม่พบข้อมูลในไฟล์")
    columns = {key: i for i, cell in enumerate(table[0]) if (key := _header_key(cell))}
    missing = [h for key, h in zip(COLUMN_NAMES, HEADERS, strict=True) if key not in columns]
    if missing:
        raise BulkFileError("ไม่พบคอลัมน์: " + ", ".join(missing) + " (หัวตารางต้องตรงกับแบบฟอร์ม)")
    body = table[1:]
    if len(body) > MAX_ROWS:
        raise BulkFileError(f"มีรายชื่อเกิน {thai_digits(MAX_ROWS)} แถว กรุณาแบ่งเป็นหลายไฟล์")
    if not body:
        raise BulkFileError("ไฟล์มีแต่หัวตาราง ยังไม่มีรายชื่อ")
    matcher = AgencyMatcher(agencies if agencies is not None else Agency.objects.active())
    User = get_user_model()
    existing = {e.lower() for e in User.objects.values_list("email", flat=True) if e}
    existing |= {u.lower() for u in User.objects.values_list("username", flat=True)}
    seen: dict[str, int] = {}
    rows = []
    for number, cells in enumerate(body, start=2):

        def cell(key, cells=cells):
            i = columns[key]
            return cells[i] if i < len(cells) else ""

        row = Row(
            line=number,
            name=cell("name"),
            position=cell("position"),
            agency_text=cell("agency"),
            role_text=cell("role"),
            email=cell("email"),
        )
        check_row(row, matcher=matcher, existing=existing, seen=seen)
        rows.append(row)
    return rows


def check_row(row: Row, *, matcher: AgencyMatcher, existing: set[str], seen: dict[str, int]) -> None:
    parts = row.name.split(None, 1)
    if not parts:
        row.errors.append("ไม่มีชื่อ-นามสกุล")
    else:
        row.first_name, row.last_name = parts[0], parts[1] if len(parts) > 1 else ""
        if len(row.first_name) > 150 or len(row.last_name) > 150:
            row.errors.append("ชื่อหรือนามสกุลยาวเกิน ๑๕๐ ตัวอักษร")
    if len(row.position) > 200:
        row.errors.append("ตำแหน่งยาวเกิน ๒๐๐ ตัวอักษร")
    role_word = _norm(row.role_text)
    for role, words in ROLE_WORDS.items():
        if role_word in {_norm(w) for w in words} or role_word == _norm(role.label):
            row.role = role
            break
    else:
        row.errors.append(f"ไม่รู้จักบทบาท “{row.role_text}” (ใช้ ผู้ใช้หน่วยงาน ผู้บริหาร หรือ ฝ่ายเลขานุการ)")
    email = normalise_email(row.email)
    if not email:
        row.errors.append("ไม่มีอีเมล")
    else:
        try:
            validate_email(email)
        except ValidationError:
            row.errors.append(f"อีเมล “{row.email}” รูปแบบไม่ถูกต้อง")
        else:
            if email in existing:
                row.errors.append(f"อีเมล {email} มีผู้ใช้อยู่แล้ว")
            elif email in seen:
                row.errors.append(f"อีเมล {email} ซ้ำกับแถวที่ {thai_digits(seen[email])}")
            else:
                seen[email] = row.line
        row.email = email
    if row.role == Profile.Role.AGENCY:
        if not row.agency_text:
            row.errors.append("ผู้ใช้หน่วยงานต้องระบุหน่วยงาน")
        else:
            agency, exact = matcher.match(row.agency_text)
            if agency is None:
                row.errors.append(f"ไม่พบหน่วยงาน “{row.agency_text}” ในระบบ")
            else:
                row.agency_id, row.agency_name = agency.pk, agency.name
                if not exact:
                    row.notes.append(f"ถือว่าเป็น {agency.name}")
    elif row.role and row.agency_text:
        row.notes.append("บทบาทนี้ไม่ผูกกับหน่วยงาน จึงไม่บันทึกหน่วยงาน")


def template_xlsx() -> bytes:
    """The file to fill in: the header and one example row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "รายชื่อผู้ใช้"
    sheet.append(HEADERS)
    sheet.append(
        ["สมชาย ใจดี", "นักวิชาการวัฒนธรรมชำนาญการ", "สำนักงานวัฒนธรรมจังหวัดลำปาง", "ผู้ใช้หน่วยงาน", "somchai@example.go.th"]
    )
    for column, width in zip("ABCDE", (24, 32, 40, 18, 30), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
