from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.db.models import Q

from agencies.models import Agency, Profile
from lampang_tracker.forms import BoundedTextMixin

ROLE_HELP = "ผู้ใช้หน่วยงานเห็นเฉพาะงานของหน่วยงานตน ผู้บริหารอ่านได้ทุกเรื่อง ฝ่ายเลขานุการแก้ไขได้ทุกเรื่อง"


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PersonForm(BoundedTextMixin, forms.Form):
    first_name = forms.CharField(label="ชื่อ", max_length=150)
    last_name = forms.CharField(label="นามสกุล", max_length=150, required=False)
    position = forms.CharField(label="ตำแหน่ง", max_length=200, required=False, help_text="เช่น นักวิชาการวัฒนธรรมชำนาญการ")
    role = forms.ChoiceField(label="บทบาท", choices=Profile.Role.choices, help_text=ROLE_HELP)
    agency = AgencyChoiceField(
        label="หน่วยงาน",
        queryset=Agency.objects.all(),
        required=False,
        empty_label="— เลือกหน่วยงาน (เฉพาะผู้ใช้หน่วยงาน) —",
    )
    email = forms.EmailField(
        label="อีเมล",
        max_length=254,
        help_text="ใช้เป็นชื่อผู้ใช้สำหรับเข้าสู่ระบบ และเป็นที่ส่งลิงก์ตั้งรหัสผ่าน",
        error_messages={"invalid": "รูปแบบอีเมลไม่ถูกต้อง เช่น somchai@example.go.th"},
    )
    phone = forms.CharField(label="โทรศัพท์", max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Active agencies, plus the person's own even if it has since been switched off.
        current = self.initial.get("agency")
        agencies = Agency.objects.filter(Q(is_active=True) | Q(pk=current or 0)).thai_sorted()
        self.fields["agency"].choices = [("", self.fields["agency"].empty_label)] + [(a.pk, a.name) for a in agencies]
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "inputmode": "email"})
        self.fields["phone"].widget.attrs.update({"inputmode": "tel"})

    def clean_agency(self):
        agency = self.cleaned_data.get("agency")
        if agency is not None and not agency.is_active and agency.pk != self.initial.get("agency"):
            raise forms.ValidationError("หน่วยงานนี้ปิดการใช้งานแล้ว กรุณาเลือกหน่วยงานอื่น")
        return agency

    def clean(self):
        cleaned = super().clean()
        role, agency = cleaned.get("role"), cleaned.get("agency")
        if role == Profile.Role.AGENCY and agency is None and "agency" not in self.errors:
            self.add_error("agency", "ผู้ใช้หน่วยงานต้องเลือกหน่วยงาน")
        if role and role != Profile.Role.AGENCY:
            cleaned["agency"] = None
        return cleaned


class PeopleFilterForm(BoundedTextMixin, forms.Form):
    text_limits = {"q": 200}


class AccountForm(BoundedTextMixin, forms.Form):
    email = forms.EmailField(
        label="อีเมล",
        max_length=254,
        required=False,
        help_text="ใช้รับลิงก์ตั้งรหัสผ่านใหม่เมื่อลืมรหัสผ่าน",
        error_messages={"invalid": "รูปแบบอีเมลไม่ถูกต้อง เช่น somchai@example.go.th"},
    )
    phone = forms.CharField(label="โทรศัพท์", max_length=40, required=False)


def _thai_password_help(form) -> None:
    field = form.fields.get("new_password1")
    if field is not None:
        field.help_text = password_validation.password_validators_help_text_html()


class ThaiSetPasswordForm(SetPasswordForm):
    """Django's set-password form with Thai labels and rules (invitation and reset)."""

    error_messages = {"password_mismatch": "รหัสผ่านทั้งสองช่องไม่ตรงกัน"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "รหัสผ่านใหม่"
        self.fields["new_password2"].label = "ยืนยันรหัสผ่านใหม่"
        self.fields["new_password2"].help_text = "พิมพ์รหัสผ่านเดิมอีกครั้ง"
        _thai_password_help(self)


class ThaiPasswordChangeForm(PasswordChangeForm):
    error_messages = {
        "password_mismatch": "รหัสผ่านทั้งสองช่องไม่ตรงกัน",
        "password_incorrect": "รหัสผ่านปัจจุบันไม่ถูกต้อง กรุณาลองใหม่",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "รหัสผ่านปัจจุบัน"
        self.fields["new_password1"].label = "รหัสผ่านใหม่"
        self.fields["new_password2"].label = "ยืนยันรหัสผ่านใหม่"
        self.fields["new_password2"].help_text = "พิมพ์รหัสผ่านใหม่อีกครั้ง"
        _thai_password_help(self)


class ThaiPasswordResetForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "อีเมลที่ลงทะเบียนไว้"
        self.fields["email"].error_messages = {
            "required": "กรุณากรอกอีเมล",
            "invalid": "รูปแบบอีเมลไม่ถูกต้อง เช่น somchai@example.go.th",
        }


class LoginForm(AuthenticationForm):
    """Django's login form; an invited person's user name is their e-mail address,
    which they may type with capitals (Somying@Example.go.th)."""

    def clean_username(self):
        username = self.cleaned_data.get("username", "")
        if "@" in username:
            match = get_user_model().objects.filter(username__iexact=username.strip()).first()
            if match is not None:
                return match.get_username()
        return username


class TokenForm(forms.Form):
    token = forms.CharField(
        label="รหัสยืนยัน",
        max_length=20,
        help_text="รหัส ๖ หลักจากแอปยืนยันตัวตน หรือรหัสกู้คืนที่ได้รับไว้",
        error_messages={"required": "กรุณากรอกรหัสยืนยัน"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].widget.attrs.update({"autocomplete": "one-time-code", "inputmode": "numeric"})


class UploadForm(forms.Form):
    file = forms.FileField(
        label="ไฟล์รายชื่อ (CSV หรือ XLSX)",
        help_text="คอลัมน์: ชื่อ-นามสกุล, ตำแหน่ง, หน่วยงาน, บทบาท, อีเมล (ดาวน์โหลดแบบฟอร์มด้านบน)",
        error_messages={"required": "กรุณาเลือกไฟล์", "empty": "ไฟล์ว่างเปล่า"},
    )
