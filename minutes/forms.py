from __future__ import annotations

from django import forms

from agencies.models import Agency
from lampang_tracker import limits
from lampang_tracker.conflicts import VersionedFormMixin
from lampang_tracker.forms import BoundedTextMixin, ThaiDateField, ThaiTimeField
from lampang_tracker.thai import arabic_digits

from .models import AgendaItem, AgendaSection, Attendee, Minutes

REASON_HELP = "รายงานการประชุมรับรองแล้ว: การแก้ไขจะบันทึกเป็นการแก้ไขหลังรับรอง พร้อมผู้แก้ไข เวลา และเหตุผลนี้"


class AmendmentReasonMixin(BoundedTextMixin):
    """Adds "เหตุผลการแก้ไข" when the minutes are locked; the service insists on it."""

    def add_reason_field(self, minutes: Minutes) -> None:
        if minutes.is_locked():
            self.fields["reason"] = forms.CharField(
                label="เหตุผลการแก้ไข",
                help_text=REASON_HELP,
                max_length=limits.NOTE,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @property
    def reason(self) -> str:
        return self.cleaned_data.get("reason", "")


class ServiceValuesMixin:
    """A ModelForm whose cleaned values go to a service instead of onto its instance:
    the service compares them with the stored ones (an amendment keeps both)."""

    def _post_clean(self):
        pass

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class MinutesForm(AmendmentReasonMixin, ServiceValuesMixin, VersionedFormMixin, forms.ModelForm):
    started_at = ThaiTimeField(label="เริ่มประชุมเวลา", required=False)
    ended_at = ThaiTimeField(label="เลิกประชุมเวลา", required=False)

    class Meta:
        model = Minutes
        fields = [
            "title",
            "started_at",
            "ended_at",
            "opening_note",
            "recorder_name",
            "recorder_position",
            "checker_name",
            "checker_position",
        ]
        widgets = {"opening_note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_reason_field(self.instance)
        self.add_version_field(self.instance)

    def clean(self):
        data = super().clean()
        if data.get("started_at") and data.get("ended_at") and data["ended_at"] <= data["started_at"]:
            self.add_error("ended_at", "เวลาเลิกประชุมต้องหลังเวลาเริ่มประชุม")
        return data


class LetterForm(BoundedTextMixin, ServiceValuesMixin, VersionedFormMixin, forms.ModelForm):
    version_attr = "letter_version"

    letter_date = ThaiDateField(label="ลงวันที่", required=False)

    class Meta:
        model = Minutes
        fields = [
            "letter_number",
            "letter_date",
            "letter_office",
            "letter_to",
            "letter_enclosure",
            "letter_signer_name",
            "letter_signer_position",
            "letter_contact",
        ]
        widgets = {
            "letter_office": forms.Textarea(attrs={"rows": 2}),
            "letter_contact": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_version_field(self.instance)


class AttendeeForm(BoundedTextMixin, ServiceValuesMixin, forms.ModelForm):
    class Meta:
        model = Attendee
        fields = ["kind", "position_order", "name", "position", "substitute_for", "reason"]
        widgets = {"position_order": forms.NumberInput(attrs={"min": 0, "class": "narrow"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # a table row has no <label>s
            field.widget.attrs.setdefault("aria-label", field.label)

    def clean(self):
        data = super().clean()
        if data.get("reason", "").strip() and data.get("kind") != Attendee.Kind.ABSENT:
            self.add_error("reason", "เหตุที่ไม่มาใช้กับผู้ไม่มาประชุมเท่านั้น")
        return data


AttendeeFormSet = forms.modelformset_factory(Attendee, form=AttendeeForm, extra=0, can_delete=True)


class ReasonForm(AmendmentReasonMixin, forms.Form):
    """The amendment reason, asked for when the minutes are locked; alone (the
    attendance table, the copy from the previous meeting) or under other fields."""

    def __init__(self, *args, minutes: Minutes, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_reason_field(minutes)


class AttendeeLinesForm(ReasonForm):
    text_limits = {"lines": limits.ATTENDEE_LINES}

    kind = forms.ChoiceField(label="เพิ่มเป็น", choices=Attendee.Kind.choices, initial=Attendee.Kind.PRESENT)
    lines = forms.CharField(
        label="วางรายชื่อ บรรทัดละหนึ่งคน",
        help_text="คัดลอกจากตารางใน Word ได้: ชื่อ สกุล และตำแหน่งคั่นด้วยแท็บ เช่น "
        "“๑. นายชาติตรี ธินนท์ (แท็บ) พัฒนาการจังหวัดลำปาง”; ผู้ไม่มาประชุมใส่เหตุผลเป็นช่องสุดท้าย",
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class HeadsForm(ReasonForm):
    agencies = forms.MultipleChoiceField(label="หัวหน้าส่วนราชการ / หน่วยงาน", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, minutes: Minutes, **kwargs):
        super().__init__(*args, minutes=minutes, **kwargs)
        have = set(minutes.attendees.exclude(agency=None).values_list("agency_id", flat=True))
        self.fields["agencies"].choices = [
            (str(agency.pk), agency.name) for agency in Agency.objects.active().thai_sorted()
        ]
        self.fields["agencies"].initial = [str(pk) for pk in have]

    def chosen(self) -> list[Agency]:
        ids = [int(pk) for pk in self.cleaned_data["agencies"]]
        return sorted(Agency.objects.filter(pk__in=ids), key=lambda a: (a.print_order, a.name))


class SectionForm(AmendmentReasonMixin, ServiceValuesMixin, VersionedFormMixin, forms.ModelForm):
    text_limits = {"body": limits.MINUTES_BODY, "resolution": limits.RESOLUTION}

    class Meta:
        model = AgendaSection
        fields = ["title", "body", "resolution"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8}), "resolution": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_reason_field(self.instance.minutes)
        self.add_version_field(self.instance)


class ItemForm(AmendmentReasonMixin, ServiceValuesMixin, VersionedFormMixin, forms.ModelForm):
    text_limits = {"body": limits.MINUTES_BODY, "resolution": limits.RESOLUTION}

    class Meta:
        model = AgendaItem
        fields = ["number", "label", "presenter_agency", "presenter", "title", "body", "resolution"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10}), "resolution": forms.Textarea(attrs={"rows": 2})}
        labels = {"presenter_agency": "หน่วยงานที่เสนอ (เลือกจากรายชื่อ)", "presenter": "หรือพิมพ์ชื่อผู้เสนอ"}

    def __init__(self, *args, minutes: Minutes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter_agency"].queryset = Agency.objects.active()
        self.fields["presenter_agency"].empty_label = "— ไม่ระบุ —"
        self.fields["number"].help_text = "เช่น 4.1 หรือ 4.1.2 (พิมพ์เลขไทยได้)"
        self.add_reason_field(minutes)
        self.add_version_field(self.instance)

    def clean_number(self) -> str:
        return arabic_digits(self.cleaned_data["number"]).strip().rstrip(".")

    def clean(self):
        data = super().clean()
        if not any(data.get(name, "").strip() for name in ("title", "body", "resolution")) and not data.get(
            "presenter_agency"
        ):
            self.add_error("title", "กรุณากรอกเรื่อง สาระสำคัญ หรือมติที่ประชุม อย่างน้อยหนึ่งอย่าง")
        return data


class CirculateForm(BoundedTextMixin, forms.Form):
    deadline = ThaiDateField(label="รับรองภายในวันที่", help_text="พ้นกำหนดโดยไม่มีคำขอแก้ไข ถือว่ารับรอง")


class CertifyForm(BoundedTextMixin, forms.Form):
    note = forms.CharField(label="มติที่ประชุม", required=False, max_length=300, help_text="เว้นว่างได้: ระบบบันทึกว่า “รับรอง”")


class CorrectionForm(BoundedTextMixin, forms.Form):
    text_limits = {"text": limits.NOTE}

    section = forms.ModelChoiceField(label="ระเบียบวาระ", queryset=AgendaSection.objects.none(), empty_label=None)
    item = forms.ModelChoiceField(
        label="เรื่อง (ถ้ามี)", queryset=AgendaItem.objects.none(), required=False, empty_label="— ทั้งระเบียบวาระ —"
    )
    text = forms.CharField(
        label="ข้อความที่ขอแก้ไข", widget=forms.Textarea(attrs={"rows": 3}), help_text="ระบุข้อความเดิมและข้อความที่ถูกต้อง"
    )

    def __init__(self, *args, minutes: Minutes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = minutes.sections.all()
        self.fields["section"].label_from_instance = lambda section: section.heading
        self.fields["item"].queryset = AgendaItem.objects.filter(section__minutes=minutes).select_related("section")
        self.fields["item"].label_from_instance = lambda item: f"{item.number_label} {item.title or item.presenter}"[
            :120
        ]

    def clean(self):
        data = super().clean()
        item, section = data.get("item"), data.get("section")
        if item and section and item.section_id != section.pk:
            self.add_error("item", "เรื่องนี้ไม่อยู่ในระเบียบวาระที่เลือก")
        return data


class DecisionForm(BoundedTextMixin, forms.Form):
    text_limits = {"note": limits.NOTE}

    decision = forms.ChoiceField(
        label="ผลการพิจารณา",
        choices=[("accept", "แก้ไขตามคำขอแล้ว"), ("reject", "ไม่แก้ไข")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="เหตุผล / หมายเหตุ", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("note", "").strip():
            self.add_error("note", "กรุณาระบุเหตุผลที่ไม่แก้ไข")
        return data
