"""Django's password rules, told in Thai (messages and the help shown under the field)."""

from __future__ import annotations

from django.contrib.auth import password_validation as pv
from django.core.exceptions import ValidationError

from lampang_tracker.thai import thai_digits


class ThaiMinimumLengthValidator(pv.MinimumLengthValidator):
    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                f"รหัสผ่านสั้นเกินไป ต้องมีอย่างน้อย {thai_digits(self.min_length)} ตัวอักษร",
                code="password_too_short",
            )

    def get_help_text(self):
        return f"รหัสผ่านต้องมีอย่างน้อย {thai_digits(self.min_length)} ตัวอักษร"


class ThaiCommonPasswordValidator(pv.CommonPasswordValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError("รหัสผ่านนี้ใช้กันทั่วไป เดาง่าย กรุณาตั้งรหัสผ่านอื่น", code="password_too_common") from None

    def get_help_text(self):
        return "ต้องไม่ใช่รหัสผ่านที่ใช้กันทั่วไป เช่น 12345678 หรือ password"


class ThaiNumericPasswordValidator(pv.NumericPasswordValidator):
    def validate(self, password, user=None):
        if password.isdigit():
            raise ValidationError("รหัสผ่านต้องไม่เป็นตัวเลขทั้งหมด", code="password_entirely_numeric")

    def get_help_text(self):
        return "ต้องไม่เป็นตัวเลขทั้งหมด"


class ThaiUserAttributeSimilarityValidator(pv.UserAttributeSimilarityValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError("รหัสผ่านคล้ายกับชื่อผู้ใช้ ชื่อ หรืออีเมลมากเกินไป", code="password_too_similar") from None

    def get_help_text(self):
        return "ต้องไม่คล้ายกับชื่อผู้ใช้ ชื่อ หรืออีเมลของท่าน"
