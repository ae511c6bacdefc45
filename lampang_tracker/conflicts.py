"""Edit forms that carry the version they were opened at, and show an edit conflict.

Two people may open the same form (a directive, a section of the minutes); the
second to save must not silently overwrite the first. The form carries the
object's edit version in a hidden field; the service compares it under a row lock
and raises an ``EditConflict`` (``directives.services``) that the view hands to
:meth:`VersionedFormMixin.show_conflict`: the page then says who saved what, field
by field, keeps everything this user typed, and carries the new version, so that
saving again overwrites deliberately.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.choices import flatten_choices

from lampang_tracker import thai

EMPTY = "(ว่าง)"
# Not values of the object: the version itself, the amendment reason, and what a
# formset adds to each row.
NOT_COMPARED = frozenset({"version", "reason", "id", "DELETE", "ORDER"})
# The largest value a version column holds on every database we run on.
MAX_VERSION = 2**31 - 1


class VersionField(forms.Field):
    """The hidden edit version. Missing (a form opened before versions existed, a
    script) is None: the service then saves without the check, as it did before.
    Anything that is not a plain version number is 0, which no object has, so the
    save is answered with the conflict page rather than a hidden-field error
    nobody could see or fix."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> int | None:
        # A plain Field, not a CharField: the version is a number, so the text
        # length limits of BoundedTextMixin do not apply to it.
        value = str(value).strip() if value is not None else ""
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            return 0
        return number if 0 < number <= MAX_VERSION else 0


@dataclass(frozen=True)
class ConflictRow:
    name: str
    label: str
    theirs: str  # ค่าที่ผู้อื่นบันทึกไว้
    yours: str  # ค่าที่ท่านพิมพ์


@dataclass(frozen=True)
class ConflictView:
    """What the page shows about an edit conflict."""

    message: str
    saved_by: str
    saved_at: datetime.datetime | None
    rows: list[ConflictRow]


def _comparable(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(_comparable(v) for v in value)
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return str(value)


def _user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


class VersionedFormMixin:
    """For an edit form whose object has an edit version column.

    ``version_attr`` names the column; :meth:`stored_values` gives the object's
    values under the form's field names (a ModelForm's by default); fields listed
    in ``not_in_history`` cannot be read from the audit history (relations), so a
    difference there is always shown."""

    version_attr = "version"
    not_in_history: tuple[str, ...] = ()
    edit_conflict: ConflictView | None = None

    def add_version_field(self, instance: models.Model | None) -> None:
        """Call at the end of ``__init__``, for a form that edits a saved object."""
        if instance is not None and instance.pk:
            self.fields["version"] = VersionField(initial=getattr(instance, self.version_attr))

    @property
    def loaded_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def compared_fields(self) -> list[str]:
        return [name for name in self.fields if name not in NOT_COMPARED]

    def stored_values(self, instance: models.Model) -> dict[str, Any]:
        return model_to_dict(instance, fields=self.compared_fields())

    def shown(self, name: str, value: Any) -> str:
        """A value as the person reads it in the form (labels, Thai dates)."""
        if value in (None, "", [], ()):
            return EMPTY
        field = self.fields[name]
        if isinstance(field, forms.ModelChoiceField):
            instance = value if isinstance(value, models.Model) else field.queryset.filter(pk=value).first()
            return field.label_from_instance(instance) if instance is not None else str(value)
        if isinstance(field, forms.ChoiceField):
            labels = {str(key): label for key, label in flatten_choices(field.choices)}
            values = value if isinstance(value, list | tuple) else [value]
            return "\n".join(str(labels.get(str(v), v)) for v in values)
        if isinstance(value, bool):
            return "ใช่" if value else "ไม่ใช่"
        if isinstance(value, datetime.time):
            return thai.time_thai(value)
        if isinstance(value, datetime.date):
            return thai.date_long(value)
        return str(value).replace("\r\n", "\n").strip() or EMPTY

    def show_conflict(self, conflict) -> None:
        """Turn the service's EditConflict into the page's comparison, mark the fields
        concerned and let the next save carry the version now stored."""
        theirs = self.stored_values(conflict.current)
        loaded = self.stored_values(conflict.loaded) if conflict.loaded is not None else {}
        rows = []
        for name in self.compared_fields():
            yours = self.cleaned_data.get(name, self.data.get(self.add_prefix(name)))
            if _comparable(theirs.get(name)) == _comparable(yours):
                continue
            # The history tells which fields the other person changed; a field only
            # this user changed is no conflict and keeps their value quietly.
            other_kept_it = name in loaded and _comparable(loaded[name]) == _comparable(theirs.get(name))
            if other_kept_it and name not in self.not_in_history:
                continue
            label = str(self.fields[name].label)
            rows.append(ConflictRow(name, label, self.shown(name, theirs.get(name)), self.shown(name, yours)))
        for row in rows:
            # Marked, not failed: a field error would scroll the page past the
            # comparison, which is what must be read first.
            attrs = self.fields[row.name].widget.attrs
            attrs["class"] = " ".join(filter(None, (attrs.get("class"), "conflicted")))
            attrs["aria-describedby"] = "edit-conflict"
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(conflict.version)
        saved_at = timezone.localtime(conflict.saved_at) if conflict.saved_at else None
        self.edit_conflict = ConflictView(str(conflict), _user_name(conflict.saved_by), saved_at, rows)
