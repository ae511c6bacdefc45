from __future__ import annotations

from django import forms

from agencies.models import Agency, AgencyGroup
from lampang_tracker import limits
from lampang_tracker.forms import (
    BoundedTextMixin,
    MultipleFileField,
    MultipleFileInput,
    ThaiDateField,
    ThaiIntegerField,
)
from lampang_tracker.thai import arabic_digits, thai_digits

from .models import AGENCY_STATUSES, NUMBER_RE, Directive, ResponsibleParty, Status, Strategy
from .services import DomainError, Party, check_upload, parties_from


class PartiesField(forms.MultipleChoiceField):
    """One multi-select offering agency groups first, then agencies by kind.

    Values are "g<id>" for a group and "a<id>" for an agency.
    """

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=self._choices, **kwargs)

    @staticmethod
    def _choices():
        groups = [(f"g{g.pk}", g.name) for g in AgencyGroup.objects.filter(is_active=True)]
        by_kind: dict[str, list] = {}
        for agency in Agency.objects.active().thai_sorted():
            by_kind.setdefault(agency.get_kind_display(), []).append((f"a{agency.pk}", agency.name))
        return [("กลุ่มหน่วยงาน", groups), *by_kind.items()]


class DirectiveForm(BoundedTextMixin, forms.Form):
    text_limits = {"text": limits.DIRECTIVE_TEXT, "free_parties": limits.FREE_PARTIES}

    number = forms.CharField(label="ลำดับ", max_length=20, help_text="เช่น 1 หรือ 7.1 (พิมพ์เลขไทยได้)")
    heading = forms.CharField(label="หัวข้อ (พิมพ์ขีดเส้นใต้)", max_length=500, required=False)
    text = forms.CharField(label="ประเด็น / ข้อสั่งการ", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    parties = PartiesField(label="หน่วยงานรับผิดชอบ", required=False)
    free_parties = forms.CharField(
        label="หน่วยงานอื่น ๆ (พิมพ์ตามที่ปรากฏ บรรทัดละหนึ่งรายการ)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "เช่น ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง"}),
    )
    parties_bulleted = forms.BooleanField(label="พิมพ์เครื่องหมาย - หน้าหน่วยงานแต่ละบรรทัด", required=False)
    due_date = ThaiDateField(label="กำหนดเสร็จ", required=False)
    report_day = ThaiIntegerField(
        label="รายงานผลทุกวันที่ของเดือน",
        required=False,
        min_value=1,
        max_value=31,
        error_messages={"min_value": "วันที่ต้องอยู่ระหว่าง ๑ ถึง ๓๑", "max_value": "วันที่ต้องอยู่ระหว่าง ๑ ถึง ๓๑"},
    )
    report_until = ThaiDateField(label="รายงานจนถึงวันที่", required=False)
    strategy = forms.ModelChoiceField(
        label="ยุทธศาสตร์", queryset=Strategy.objects.all(), required=False, empty_label="— ไม่ระบุ —"
    )

    def __init__(self, *args, meeting, parent: Directive | None = None, instance: Directive | None = None, **kwargs):
        self.meeting, self.parent, self.instance = meeting, parent or (instance.parent if instance else None), instance
        if instance is not None:
            kwargs.setdefault("initial", self.initial_for(instance))
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for(directive: Directive) -> dict:
        lines = list(directive.parties.all())
        return {
            "number": directive.number,
            "heading": directive.heading,
            "text": directive.text,
            "parties": [
                f"a{p.agency_id}" if p.agency_id else f"g{p.group_id}" for p in lines if p.agency_id or p.group_id
            ],
            "free_parties": "\n".join(p.label for p in lines if not (p.agency_id or p.group_id)),
            "parties_bulleted": directive.parties_bulleted,
            "due_date": directive.due_date,
            "report_day": directive.report_day,
            "report_until": directive.report_until,
            "strategy": directive.strategy_id,
        }

    def clean_number(self) -> str:
        number = arabic_digits(self.cleaned_data["number"]).strip().rstrip(".")
        if not NUMBER_RE.match(number):
            raise forms.ValidationError("ลำดับต้องเป็นตัวเลข เช่น 7 หรือ 7.1")
        if self.parent and not number.startswith(self.parent.number + "."):
            raise forms.ValidationError(f"ข้อย่อยของข้อ {self.parent.number_label} ต้องขึ้นต้นด้วย {self.parent.number_label}.")
        taken = Directive.objects.filter(meeting=self.meeting, number=number)
        if self.instance:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"ลำดับ {thai_digits(number)} มีอยู่แล้วในการประชุมนี้")
        return number

    def clean_free_parties(self) -> str:
        text = self.cleaned_data["free_parties"]
        limit = ResponsibleParty._meta.get_field("label").max_length
        for line in text.splitlines():
            if len(line.strip()) > limit:
                raise forms.ValidationError(
                    f"หน่วยงานแต่ละบรรทัดยาวได้ไม่เกิน {limits.number(limit)} ตัวอักษร: “{line.strip()[:40]}…”"
                )
        return text

    def clean(self):
        data = super().clean()
        typed_but_refused = self.has_error("heading") or self.has_error("text")  # (too long, NUL): said already
        if not typed_but_refused and not data.get("heading", "").strip() and not data.get("text", "").strip():
            self.add_error("text", "กรุณากรอกข้อความประเด็น หรือหัวข้อ อย่างน้อยหนึ่งอย่าง")
        if data.get("report_until") and not data.get("report_day"):
            self.add_error("report_day", "กรุณาระบุวันที่รายงานของทุกเดือน")
        return data

    def party_list(self) -> list[Party] | None:
        """The parties to save, or None when the user left them as they were
        (so lines typed "as written" by an import keep their exact wording)."""
        if self.instance is not None and not {"parties", "free_parties"} & set(self.changed_data):
            return None
        chosen = self.cleaned_data.get("parties") or []
        agency_ids = [int(v[1:]) for v in chosen if v.startswith("a")]
        group_ids = [int(v[1:]) for v in chosen if v.startswith("g")]
        agencies = sorted(
            Agency.objects.filter(pk__in=agency_ids), key=lambda a: (a.print_order, agency_ids.index(a.pk))
        )
        groups = list(AgencyGroup.objects.filter(pk__in=group_ids))
        return parties_from(agencies=agencies, groups=groups, free_text=self.cleaned_data["free_parties"].splitlines())

    def directive_fields(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "number",
                "heading",
                "text",
                "due_date",
                "report_day",
                "report_until",
                "strategy",
                "parties_bulleted",
            )
        }


class ReportForm(BoundedTextMixin, forms.Form):
    text_limits = {"text": limits.REPORT_TEXT}

    status = forms.ChoiceField(
        label="สถานะ",
        choices=[(s.value, s.label) for s in AGENCY_STATUSES if s != Status.EXTENSION],
        widget=forms.RadioSelect,
    )
    percent = ThaiIntegerField(
        label="ร้อยละความคืบหน้า",
        required=False,
        min_value=0,
        max_value=100,
        error_messages={"min_value": "ร้อยละต้องอยู่ระหว่าง ๐ ถึง ๑๐๐", "max_value": "ร้อยละต้องอยู่ระหว่าง ๐ ถึง ๑๐๐"},
    )
    text = forms.CharField(label="ผลการดำเนินงาน", widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(
        label="ไฟล์หลักฐาน (pdf, jpg, png, docx, xlsx ไม่เกิน 10 MB ต่อไฟล์)",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
    )

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        for upload in files:
            try:
                check_upload(upload)
            except DomainError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return files


class ExtensionForm(BoundedTextMixin, forms.Form):
    text_limits = {"reason": limits.NOTE}

    new_due_date = ThaiDateField(label="ขอขยายเวลาถึงวันที่")
    reason = forms.CharField(label="เหตุผลที่ขอขยายเวลา", widget=forms.Textarea(attrs={"rows": 4}))


class ReviewForm(BoundedTextMixin, forms.Form):
    text_limits = {"comment": limits.NOTE}

    decision = forms.ChoiceField(label="ผลการตรวจ", choices=[("accept", "รับรายงาน"), ("return", "ส่งกลับให้แก้ไข")])
    comment = forms.CharField(label="ความเห็น", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not data.get("comment", "").strip():
            self.add_error("comment", "กรุณาระบุเหตุผลที่ส่งกลับ เพื่อให้หน่วยงานแก้ไขได้ถูกต้อง")
        return data


class CloseForm(BoundedTextMixin, forms.Form):
    text_limits = {"note": limits.NOTE}

    note = forms.CharField(
        label="เหตุผลการปิดประเด็น",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "กรุณาระบุเหตุผลการปิดประเด็น"},
    )
