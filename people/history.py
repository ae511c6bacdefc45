"""One account's audit trail: its User and Profile history, newest first, in Thai."""

from __future__ import annotations

from dataclasses import dataclass

from agencies.models import Agency, Profile

LABELS = {
    "first_name": "ชื่อ",
    "last_name": "นามสกุล",
    "email": "อีเมล",
    "username": "ชื่อผู้ใช้",
    "is_active": "สถานะบัญชี",
    "is_staff": "สิทธิ์ผู้ดูแลระบบ",
    "is_superuser": "สิทธิ์ผู้ดูแลระบบสูงสุด",
    "role": "บทบาท",
    "agency": "หน่วยงาน",
    "position": "ตำแหน่ง",
    "phone": "โทรศัพท์",
}
IGNORED = {"last_login", "date_joined", "password"}
ROLE_LABELS = dict(Profile.Role.choices)


@dataclass
class Entry:
    when: object
    by: object
    what: str
    changes: list[str]


def _show(field: str, value, agencies: dict) -> str:
    if value in (None, ""):
        return "—"
    if field == "is_active":
        return "ใช้งาน" if value else "ปิดการใช้งาน"
    if field == "role":
        return ROLE_LABELS.get(value, value)
    if isinstance(value, Agency):
        return value.name
    if field == "agency":
        agency = agencies.get(value)
        return agency.name if agency else str(value)
    return str(value)


def _entries(records, kind: str, agencies: dict) -> list[Entry]:
    entries = []
    records = list(records)
    for record, previous in zip(records, records[1:] + [None], strict=True):
        if previous is None or record.history_type == "+":
            entries.append(Entry(record.history_date, record.history_user, f"สร้าง{kind}", []))
            continue
        delta = record.diff_against(previous)
        changes = [
            f"{LABELS.get(c.field, c.field)}: {_show(c.field, c.old, agencies)} → {_show(c.field, c.new, agencies)}"
            for c in delta.changes
            if c.field not in IGNORED
        ]
        if changes:
            entries.append(Entry(record.history_date, record.history_user, f"แก้ไข{kind}", changes))
    return entries


def account_history(user, limit: int = 50) -> list[Entry]:
    user_records = user.history.select_related("history_user").order_by("-history_date", "-history_id")[:200]
    profile_records = Profile.history.filter(user_id=user.pk).select_related("history_user")
    profile_records = profile_records.order_by("-history_date", "-history_id")[:200]
    agency_ids = {r.agency_id for r in profile_records if r.agency_id}
    agencies = Agency.objects.in_bulk(agency_ids)
    entries = _entries(user_records, "บัญชี", agencies) + _entries(profile_records, "บทบาท/สังกัด", agencies)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
