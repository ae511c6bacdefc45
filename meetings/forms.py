from django import forms

from lampang_tracker.forms import BoundedTextMixin, ThaiDateField, ThaiIntegerField, ThaiTimeField

from .models import Meeting, MeetingSeries


class MeetingForm(BoundedTextMixin, forms.ModelForm):
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
