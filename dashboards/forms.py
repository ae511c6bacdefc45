from __future__ import annotations

from django import forms

from lampang_tracker import thai


class FiscalYearForm(forms.Form):
    """?fy=2569 (Thai digits too): a fiscal year within the range the data spans."""

    fy = forms.IntegerField(
        label="ปีงบประมาณ พ.ศ.",
        required=False,
        error_messages={"invalid": "กรุณาเลือกปีงบประมาณ พ.ศ. เป็นตัวเลข เช่น ๒๕๖๙"},
    )

    def __init__(self, *args, first: int, last: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.first, self.last = first, last
        self.fields["fy"].widget = forms.Select(
            choices=[(year, f"ปีงบประมาณ พ.ศ. {thai.thai_digits(year)}") for year in range(last, first - 1, -1)]
        )

    def clean_fy(self):
        year = self.cleaned_data.get("fy")
        if year is not None and not self.first <= year <= self.last:
            raise forms.ValidationError(
                f"มีข้อมูลตั้งแต่ปีงบประมาณ พ.ศ. {thai.thai_digits(self.first)} ถึง {thai.thai_digits(self.last)}"
            )
        return year
