"""Form fields that read input the way Thai users type it."""

from __future__ import annotations

import datetime

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from lampang_tracker import limits, thai


class ThaiMaxLengthValidator(validators.MaxLengthValidator):
    """Django's length check with the limit in Thai digits: "ข้อความยาวได้ไม่เกิน ๒๐,๐๐๐ ตัวอักษร …"."""

    def __call__(self, value):
        if len(value) > self.limit_value:
            raise ValidationError(limits.too_long(len(value), self.limit_value), code=self.code)


class BoundedTextMixin:
    """Every text box of the form has a length limit, told in Thai next to the field.

    The limit is ``text_limits[name]``, else the model field's ``max_length``, else
    ``limits.TEXT``. Applied when the form is cleaned, so that fields added in a
    subclass's ``__init__`` (the amendment reason) are bounded too. Text areas get no
    ``maxlength`` attribute: a browser would cut a long paste silently, while the
    server's message says what is too long and keeps the text for the user to shorten.
    """

    text_limits: dict[str, int] = {}

    def full_clean(self):
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField):
                continue
            limit = self.text_limits.get(name) or field.max_length or limits.TEXT
            field.max_length = limit
            field.validators = [v for v in field.validators if not isinstance(v, validators.MaxLengthValidator)] + [
                ThaiMaxLengthValidator(limit)
            ]
        self.tidy_data()
        super().full_clean()

    def tidy_data(self) -> None:
        """Text as it will be kept: bidi controls dropped, marks limited (thai.tidy_text),
        before any check, so the form shows back what would be saved."""
        if not self.is_bound:
            return
        tidied = {}
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            value = self.data.get(key)
            if (
                isinstance(field, forms.CharField)
                and isinstance(value, str)
                and (clean := thai.tidy_text(value)) != value
            ):
                tidied[key] = clean
        if tidied:
            data = self.data.copy()
            for key, value in tidied.items():
                data[key] = value
            self.data = data


class ThaiDateInput(forms.TextInput):
    """Shows 29/11/2560 and accepts what parse_thai_date accepts."""

    def __init__(self, attrs=None):
        defaults = {"placeholder": "วว/ดด/ปปปป เช่น 29/11/2560", "inputmode": "numeric", "autocomplete": "off"}
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return thai.date_numeric(value)
        return value


class ThaiDateField(forms.DateField):
    widget = ThaiDateInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return thai.parse_thai_date(str(value))
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc


class ThaiTimeField(forms.TimeField):
    """Accepts 09.30, 9.30 น., 09:30 and Thai digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%H.%M", "%H:%M", "%H.%M.%S", "%H:%M:%S"])
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "เช่น 09.30", "inputmode": "decimal"}))
        kwargs.setdefault("error_messages", {"invalid": "กรุณากรอกเวลาในรูปแบบ ชช.นน เช่น 09.30"})
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = thai.arabic_digits(value).replace("น.", "").strip()
        return super().to_python(value)


class ThaiIntegerField(forms.IntegerField):
    """An integer that may be typed with Thai digits.

    A plain text box with a numeric keypad hint: browsers drop Thai digits typed into
    <input type="number">, so the server's Thai-digit support would be unreachable."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        for bound in ("min", "max", "step"):  # number-input attributes mean nothing on a text box
            attrs.pop(bound, None)
        return attrs

    def to_python(self, value):
        if isinstance(value, str):
            value = thai.arabic_digits(value).strip()
        return super().to_python(value)


def _attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html in Python: `` name="value"``, `` name`` for True,
    nothing for False, in the dict's order."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, "%s" % value)  # noqa: UP031 - the template's stringformat:'s'
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """Django's select, its markup written in Python: the stock widget renders each
    option through two template includes, which a list of a hundred agencies makes
    the slowest part of a filter form. Same HTML as django/forms/widgets/select.html."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        html = [format_html('<select name="{}"', widget["name"]), _attrs_html(widget["attrs"]), ">"]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                html.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',  # the include's file ends in a newline
                        "%s" % option["value"],  # noqa: UP031 - the template's stringformat:'s'
                        mark_safe(_attrs_html(option["attrs"])),  # noqa: S308 - escaped in _attrs_html
                        conditional_escape(option["label"]),
                    )
                )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308 - every part escaped above


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Django's CheckboxSelectMultiple, written out in Python (same name: templates tell
    widgets apart by it, as field.widget_type).

    The same markup, byte for byte, as Django's widget templates (checkbox_select.html
    and the three templates it includes for every box; tests.test_forms compares the
    two), at a fraction of their cost: the directive page offers a group's agencies to
    tick on every view.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        box_id, css = widget["attrs"].get("id"), widget["attrs"].get("class")
        out = [format_html("<div{}{}>", _attr("id", box_id) if box_id else "", _attr("class", css) if css else "")]
        for group, options, _ in widget["optgroups"]:
            if group:
                out.append(format_html("\n  <div><label>{}</label>", group))
            for option in options:
                out.append(format_html("<div>\n    {}</div>", _option(option)))
            if group:
                out.append("\n  </div>")
        out.append("\n</div>")
        return mark_safe("".join(out))


def _attr(name: str, value) -> str:
    return format_html(' {}="{}"', name, str(value))


def _option(option: dict) -> str:
    """input_option.html with input.html and attrs.html in it."""
    attrs = "".join(
        format_html(" {}", name) if value is True else _attr(name, value)
        for name, value in option["attrs"].items()
        if value is not False
    )
    box = format_html(
        '<input type="{}" name="{}"{}{}>\n',
        option["type"],
        option["name"],
        _attr("value", option["value"]) if option["value"] is not None else "",
        mark_safe(attrs),
    )
    if not option["wrap_label"]:
        return format_html("{}\n\n", box)
    label_for = _attr("for", option["attrs"]["id"]) if option["attrs"].get("id") else ""
    return format_html("<label{}>{} {}</label>\n\n", label_for, box, option["label"])


def errors_to_form(form: forms.BaseForm, error: Exception) -> None:
    """Put a service's complaint next to the field it concerns, or on top of the form.

    ``error`` is a ValidationError (its field names map to the form's) or a domain
    error with an optional ``field`` attribute."""

    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            form.add_error(None, error.messages)
        return
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, str(error))
