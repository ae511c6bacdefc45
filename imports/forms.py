from __future__ import annotations

from django import forms

from directives.models import PARAGRAPH_FROM_ONE, paragraph_error
from lampang_tracker.forms import ThaiDateField, ThaiIntegerField
from meetings.models import Meeting, Urgency

from .parsers import LETTER, MAX_BYTES, SUMMARY

FREE_TEXT = ""


class UploadForm(forms.Form):
    """Step 1: a .docx/.pdf or pasted text, and where the items go."""

    kind = forms.ChoiceField(
        label="ชนิดเอกสาร",
        choices=[(SUMMARY, "สรุปประเด็นการประชุม (ตาราง ลำดับ | ประเด็น | หน่วยงานรับผิดชอบ)"), (LETTER, "หนังสือสั่งการ")],
        widget=forms.RadioSelect,
        initial=SUMMARY,
    )
    meeting = forms.ModelChoiceField(
        label="การประชุม",
        queryset=Meeting.objects.active().select_related("series"),
        required=False,
        empty_label="— เลือกการประชุม —",
        help_text="สำหรับสรุปประเด็นการประชุม",
    )
    file = forms.FileField(label="ไฟล์ .docx หรือ .pdf", required=False, help_text="ไม่เกิน ๒๐ MB")
    text = forms.CharField(
        label="หรือวางข้อความ",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="คัดลอกตารางจาก Word (คั่นช่องด้วยแท็บ) หรือข้อความของหนังสือ",
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        name = upload.name or ""
        if not name.lower().endswith((".docx", ".pdf")):
            raise forms.ValidationError("รับเฉพาะไฟล์ .docx หรือ .pdf")
        if upload.size == 0:
            raise forms.ValidationError("ไฟล์ว่างเปล่า")
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("ไฟล์ใหญ่เกิน ๒๐ MB")
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip() and not self.errors.get("file"):
            self.add_error("file", "กรุณาเลือกไฟล์ หรือวางข้อความ")
        if data.get("kind") == SUMMARY and not data.get("meeting"):
            self.add_error("meeting", "กรุณาเลือกการประชุมที่จะนำเข้าข้อสั่งการ")
        return data


class ItemForm(forms.Form):
    """One row of the preview: an item with its parties (a select of agencies with
    the best match preselected, and the label as written)."""

    number = forms.CharField(label="ลำดับ", max_length=20)
    heading = forms.CharField(label="หัวข้อ (ขีดเส้นใต้)", required=False, max_length=500)
    text = forms.CharField(label="ประเด็น / ข้อสั่งการ", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    due_date = ThaiDateField(label="กำหนดเสร็จ", required=False)
    report_day = ThaiIntegerField(label="รายงานทุกวันที่", required=False, min_value=1, max_value=31)
    report_until = ThaiDateField(label="รายงานจนถึง", required=False)
    parties_bulleted = forms.BooleanField(label="มี - หน้าหน่วยงาน", required=False)
    heading_apart = forms.BooleanField(label="พิมพ์หัวข้อแยกบรรทัด", required=False)

    def __init__(self, *args, party_count: int = 0, choices=(), matches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.matches = list(matches)
        self.party_rows = []
        for index in range(party_count + 1):
            select = forms.ChoiceField(
                label=f"หน่วยงานที่ {index + 1}",
                required=False,
                choices=[(FREE_TEXT, "— ไม่ผูกกับหน่วยงาน (พิมพ์ตามข้อความ) —"), *choices],
            )
            label = forms.CharField(label=f"ข้อความหน่วยงานที่ {index + 1}", required=False, max_length=300)
            paragraph = ThaiIntegerField(
                label="ข้างย่อหน้าที่",
                required=False,
                min_value=1,
                error_messages={"min_value": PARAGRAPH_FROM_ONE},
            )
            self.fields[f"party_{index}"] = select
            self.fields[f"party_{index}_label"] = label
            self.fields[f"party_{index}_paragraph"] = paragraph
            match = self.matches[index] if index < len(self.matches) else None
            self.party_rows.append((f"party_{index}", f"party_{index}_label", match))

    def party_fields(self):
        """(select, label, paragraph, match) bound fields of each party row, for the template."""
        return [
            (self[select], self[label], self[f"{select}_paragraph"], match) for select, label, match in self.party_rows
        ]

    def date_fields(self):
        return [self["due_date"], self["report_day"], self["report_until"]]

    def clean_number(self):
        from directives.models import NUMBER_RE
        from lampang_tracker.thai import arabic_digits

        number = arabic_digits(self.cleaned_data["number"]).strip().rstrip(".")
        if not NUMBER_RE.match(number):
            raise forms.ValidationError("ลำดับต้องเป็นตัวเลข เช่น 7 หรือ 7.1")
        return number

    def clean(self):
        data = super().clean()
        if not (data.get("heading") or "").strip() and not (data.get("text") or "").strip():
            self.add_error("text", "กรุณากรอกหัวข้อหรือข้อความประเด็นอย่างน้อยหนึ่งอย่าง")
        if data.get("report_until") and not data.get("report_day"):
            self.add_error("report_day", "กรุณาระบุวันที่รายงานของทุกเดือนก่อนกำหนดวันสิ้นสุดการรายงาน")
        for select, label, _ in self.party_rows:
            if data.get(select) == FREE_TEXT and not (data.get(label) or "").strip():
                data[select] = None  # an empty spare row
            elif (
                data.get(select)
                and "text" in data
                and data.get(f"{select}_paragraph")
                and (message := paragraph_error(data[f"{select}_paragraph"], data["text"]))
            ):
                self.add_error(f"{select}_paragraph", message)
        return data

    def parties(self) -> list[tuple[str, str, int]]:
        """(choice, label, paragraph from 0) of each filled party row."""
        out = []
        for select, label, _ in self.party_rows:
            choice, text = self.cleaned_data.get(select), (self.cleaned_data.get(label) or "").strip()
            if choice is None or (choice == FREE_TEXT and not text):
                continue
            out.append((choice, text, (self.cleaned_data.get(f"{select}_paragraph") or 1) - 1))
        return out


class BaseItemFormSet(forms.BaseFormSet):
    def __init__(self, *args, party_counts=(), choices=(), matches=(), **kwargs):
        self.party_counts, self.choices, self.matches = list(party_counts), choices, list(matches)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index < len(self.party_counts):
            kwargs.update(party_count=self.party_counts[index], choices=self.choices, matches=self.matches[index])
        return kwargs

    def clean(self):
        numbers = [f.cleaned_data.get("number") for f in self.forms if f.cleaned_data]
        for form in self.forms:
            number = form.cleaned_data.get("number") if form.cleaned_data else None
            if number and numbers.count(number) > 1:
                form.add_error("number", "ลำดับนี้ซ้ำกับข้ออื่นในรายการ")


ItemFormSet = forms.formset_factory(ItemForm, formset=BaseItemFormSet, extra=0)


class LetterFieldsForm(forms.Form):
    """The letter's head, read from the document and corrected here."""

    urgency = forms.ChoiceField(label="ชั้นความเร็ว", choices=Urgency.choices, required=False)
    number = forms.CharField(label="ที่", max_length=100)
    date = ThaiDateField(label="ลงวันที่")
    subject = forms.CharField(label="เรื่อง", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    sender = forms.CharField(label="จาก", max_length=300, required=False)
    recipient = forms.CharField(label="เรียน", max_length=300, required=False)
    reference = forms.CharField(label="อ้างถึง", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    enclosures = forms.CharField(label="สิ่งที่ส่งมาด้วย", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    signer = forms.CharField(label="ผู้ลงนาม", max_length=300, required=False)


class ConfirmForm(forms.Form):
    again = forms.BooleanField(label="นำเข้าซ้ำ (เอกสารนี้เคยนำเข้าแล้ว)", required=False)
