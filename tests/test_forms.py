"""lampang_tracker.forms: the widgets written out in Python print what Django's do."""

from __future__ import annotations

from django import forms
from django.test import SimpleTestCase

from lampang_tracker.forms import CheckboxSelectMultiple as Ours

CHOICES = [(1, "อำเภอเกาะคา"), (2, 'สำนักงาน "ทดสอบ" <b>&</b>'), (3, "อำเภองาว")]
GROUPED = [("กลุ่มอำเภอ", [(1, "อำเภอเกาะคา"), (3, "อำเภองาว")]), (2, "สำนักงานจังหวัด")]


class CheckboxSelectMultipleTests(SimpleTestCase):
    def assertSameAsDjango(self, choices, value, **kwargs):
        name, attrs = kwargs.pop("name", "p7-members"), kwargs.pop("attrs", {"id": "id_p7-members"})
        ours = Ours(choices=choices, **kwargs).render(name, value, attrs=attrs)
        django = forms.CheckboxSelectMultiple(choices=choices, **kwargs).render(name, value, attrs=attrs)
        self.assertEqual(ours, django)
        return ours

    def test_it_prints_the_boxes_as_djangos_widget_does(self):
        html = self.assertSameAsDjango(CHOICES, [1, 3])
        self.assertEqual(html.count(" checked"), 2)
        self.assertIn("&lt;b&gt;&amp;&lt;/b&gt;", html)

    def test_it_prints_no_box_ticked_none_and_all(self):
        for value in (None, [], [1, 2, 3], ["2"]):
            with self.subTest(value=value):
                self.assertSameAsDjango(CHOICES, value)

    def test_it_prints_a_class_required_and_disabled_boxes_and_groups(self):
        self.assertSameAsDjango(
            CHOICES, [2], attrs={"id": "id_x", "class": "multi", "required": True, "disabled": False}
        )
        self.assertSameAsDjango(GROUPED, [3])
        self.assertSameAsDjango(CHOICES, [1], attrs={})

    def test_it_is_what_a_form_field_prints(self):
        class Form(forms.Form):
            ours = forms.MultipleChoiceField(choices=CHOICES, widget=Ours, required=False)
            django = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple, required=False)

        form = Form(initial={"ours": ["1"], "django": ["1"]}, prefix="p1")
        self.assertEqual(form["ours"].widget_type, form["django"].widget_type)
        self.assertEqual(str(form["ours"]), str(form["django"]).replace("django", "ours"))
        bound = Form({"p1-ours": ["3"], "p1-django": ["3"]}, prefix="p1")
        self.assertEqual(str(bound["ours"]), str(bound["django"]).replace("django", "ours"))
