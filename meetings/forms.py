from django import forms

from lampang_tracker.forms import ThaiDateField, ThaiIntegerField, ThaiTimeField

from .models import Letter, Meeting, MeetingSeries


class MeetingForm(forms.ModelForm):
    number = ThaiIntegerField(label="ครั้งที่", min_value=1, error_messages={"min_value": "ครั้งที่ต้องมากกว่า ๐"})
    year_be = ThaiIntegerField(label="ปี พ.ศ.", required=False, help_text="เว้นว่างได้ ระบบใช้ปี พ.ศ. ของวันที่ประชุม")
    date = ThaiDateField(label="วันที่ประชุม")
    start_time = ThaiTimeField(label="เวลาเริ่ม", required=False)
    end_time = ThaiTimeField(label="เวลาเลิก", required=False)

    class Meta:
        model = Meeting
        fields = ["series", "number", "year_be", "date", "start_time", "end_time", "venue", "chair"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = MeetingSeries.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        if not data.get("year_be") and data.get("date"):
            data["year_be"] = data["date"].year + 543
        return data


class LetterForm(forms.ModelForm):
    """หนังสือสั่งการ as the secretariat types it from the paper: ที่, ลงวันที่ (29/11/2567
    or Thai digits), เรื่อง … The duplicate check (same ที่ and date) is said next to ที่."""

    date = ThaiDateField(label="ลงวันที่")

    class Meta:
        model = Letter
        fields = [
            "number",
            "date",
            "urgency",
            "subject",
            "sender",
            "recipient",
            "reference",
            "enclosures",
            "signer",
            "body",
        ]
        widgets = {
            "number": forms.TextInput(attrs={"placeholder": "เช่น มท ๐๘๑๐.๖/ว ๑๒๕๐๕"}),
            "subject": forms.Textarea(attrs={"rows": 2}),
            "reference": forms.Textarea(attrs={"rows": 2}),
            "enclosures": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 8}),
        }
        error_messages = {
            "number": {"required": "กรุณากรอกเลขที่หนังสือ (ที่)"},
            "subject": {"required": "กรุณากรอกเรื่อง"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].error_messages["required"] = "กรุณากรอกวันที่ของหนังสือ (ลงวันที่)"

    def clean(self):
        data = super().clean()
        number, date = data.get("number"), data.get("date")
        if number and date:
            same = Letter.objects.same_as(number=number, date=date)
            if self.instance.pk:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error("number", "มีหนังสือที่นี้ ลงวันที่เดียวกัน อยู่ในระบบแล้ว")
        return data
