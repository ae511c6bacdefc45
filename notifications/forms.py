from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from agencies.models import Profile

from .models import AgencySetting, Channel, Defaults, Event, Mode, Notification

CHOICE_DEFAULT = ""
TRI = [(CHOICE_DEFAULT, "ตามค่าเริ่มต้นของระบบ"), ("on", "เปิด"), ("off", "ปิด")]


def tri_value(value: bool | None) -> str:
    return CHOICE_DEFAULT if value is None else ("on" if value else "off")


def tri_bool(value: str) -> bool | None:
    return None if value == CHOICE_DEFAULT else value == "on"


class PreferenceForm(forms.Form):
    email_on = forms.ChoiceField(label="แจ้งทางอีเมล", choices=TRI, required=False)
    line_on = forms.ChoiceField(label="แจ้งทาง LINE", choices=TRI, required=False)
    mode = forms.ChoiceField(
        label="รูปแบบการแจ้ง", choices=[(CHOICE_DEFAULT, "ตามค่าเริ่มต้นของระบบ"), *Mode.choices], required=False
    )

    def cleaned(self) -> dict:
        data = self.cleaned_data
        return {
            "email_on": tri_bool(data["email_on"]),
            "line_on": tri_bool(data["line_on"]),
            "mode": data["mode"],
        }


class DefaultsForm(forms.ModelForm):
    class Meta:
        model = Defaults
        fields = ["email_on", "line_on", "mode"]


class AgencySettingForm(forms.ModelForm):
    class Meta:
        model = AgencySetting
        fields = ["line_group_id", "head"]
        help_texts = {
            "line_group_id": "รหัสกลุ่ม LINE ขึ้นต้นด้วย C (เชิญบัญชีทางการของจังหวัดเข้ากลุ่มก่อน)",
        }

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = get_user_model().objects.filter(
            profile__role=Profile.Role.AGENCY, profile__agency=agency, is_active=True
        )
        self.fields["head"].empty_label = "— ไม่ระบุ —"

    def clean_line_group_id(self) -> str:
        value = self.cleaned_data["line_group_id"].strip()
        if value and not (value[0] in "CR" and value[1:].isalnum() and len(value) >= 10):
            raise forms.ValidationError("รหัสกลุ่ม LINE ไม่ถูกต้อง (ขึ้นต้นด้วย C ตามด้วยตัวอักษรและตัวเลข)")
        return value


class OutboxFilter(forms.Form):
    state = forms.ChoiceField(label="สถานะ", choices=[("", "ทั้งหมด"), *Notification.State.choices], required=False)
    channel = forms.ChoiceField(
        label="ช่องทาง", choices=[("", "ทั้งหมด"), (Channel.EMAIL, "อีเมล"), (Channel.LINE, "LINE")], required=False
    )
    event = forms.ChoiceField(label="เรื่อง", choices=[("", "ทั้งหมด"), *Event.choices], required=False)
