import functools

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, Subquery

from agencies.models import Agency
from lampang_tracker import limits, thai
from lampang_tracker.forms import BoundedTextMixin, PlainSelect, ThaiDateField, ThaiIntegerField
from meetings.models import Letter, Meeting, MeetingSeries

from .models import PROGRESS, Assignment, Directive, Status


def agency_choices() -> list[tuple[int, str]]:
    """Agencies in Thai dictionary order, as the office reads them."""
    return [(a.pk, a.name) for a in Agency.objects.all().thai_sorted()]


class ThaiDateFilter(django_filters.DateFilter):
    field_class = ThaiDateField


class ThaiNumberFilter(django_filters.NumberFilter):
    field_class = ThaiIntegerField


class FilterForm(BoundedTextMixin, forms.Form):
    text_limits = {"q": limits.SEARCH}


class DirectiveFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="ค้นหาข้อความ", method="filter_text")
    source = django_filters.ChoiceFilter(
        label="ที่มา",
        choices=[("meeting", "การประชุม"), ("letter", "หนังสือสั่งการ")],
        method="filter_source",
        empty_label="ทั้งหมด",
        widget=PlainSelect,
    )
    letter_number = django_filters.CharFilter(
        label="หนังสือ ที่", method="filter_letter_number", help_text="เช่น มท ๐๘๑๐.๖/ว ๑๒๕๐๕ หรือบางส่วน"
    )
    series = django_filters.ModelChoiceFilter(
        label="ชุดการประชุม",
        field_name="meeting__series",
        queryset=MeetingSeries.objects.all(),
        empty_label="ทั้งหมด",
        widget=PlainSelect,
    )
    year = django_filters.NumberFilter(label="ปี พ.ศ.", field_name="meeting__year_be")
    meeting_number = django_filters.NumberFilter(label="ครั้งที่", field_name="meeting__number")
    # A select of every meeting grows without bound (thousands over the years), so a
    # single meeting is chosen by series + year + ครั้งที่, or by id from its page.
    meeting = django_filters.ModelChoiceFilter(queryset=Meeting.objects.all(), widget=forms.HiddenInput)
    # Likewise one letter, by id from its page.
    letter = django_filters.ModelChoiceFilter(queryset=Letter.objects.all(), widget=forms.HiddenInput)
    # With an agency chosen (or for an agency user, always) the list is of that
    # agency's shares: its status and due date, and the filters below apply to them.
    agency = django_filters.ChoiceFilter(
        label="หน่วยงาน", choices=agency_choices, empty_label="ทั้งหมด", method="filter_agency", widget=PlainSelect
    )
    progress = django_filters.ChoiceFilter(
        label="ความคืบหน้า",
        choices=list(PROGRESS.items()),
        empty_label="ทั้งหมด",
        method="filter_progress",
        widget=PlainSelect,
    )
    status = django_filters.ChoiceFilter(
        label="สถานะ", choices=Status.choices, empty_label="ทั้งหมด", method="filter_status", widget=PlainSelect
    )
    overdue = django_filters.BooleanFilter(
        label="เกินกำหนด",
        method="filter_overdue",
        widget=PlainSelect(choices=[("", "ทั้งหมด"), ("true", "เฉพาะที่เกินกำหนด"), ("false", "ไม่เกินกำหนด")]),
    )
    due_from = ThaiDateFilter(label="กำหนดเสร็จตั้งแต่", field_name="due_date", lookup_expr="gte")
    due_to = ThaiDateFilter(label="กำหนดเสร็จถึง", field_name="due_date", lookup_expr="lte")

    class Meta:
        model = Directive
        fields = []
        form = FilterForm

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        # The agency choice is pointless for an agency user, who sees only their own.
        if actor is not None and actor.is_agency:
            del self.filters["agency"]
        else:
            # Read once, when first needed: the form's validation of a chosen agency
            # and its select would each read and sort the agencies.
            self.filters["agency"].extra["choices"] = functools.cache(agency_choices)

    @property
    def scope_agency(self) -> int | None:
        """The id of the agency whose shares the list shows: the agency user's own, or the one chosen."""
        if self.actor is not None and self.actor.is_agency:
            return self.actor.agency.pk
        chosen = self.form.cleaned_data.get("agency") if self.form.is_valid() else None
        return int(chosen) if chosen else None

    def _mine(self):
        return Assignment.objects.filter(agency_id=self.scope_agency)

    @property
    def qs(self):
        qs = super().qs
        agency = self.scope_agency
        if agency is not None and not hasattr(self, "_annotated"):
            # One share per directive and agency: no order needed (Assignment's default
            # order would join the directive, its source and the agency in each subquery).
            share = Assignment.objects.filter(directive=OuterRef("pk"), agency_id=agency).order_by()
            qs = qs.annotate(
                agency_status=Subquery(share.values("status")[:1]),
                agency_due_date=Subquery(share.values("due_date")[:1]),
                agency_is_open=Subquery(share.values("is_open")[:1]),
            )
            self._qs, self._annotated = qs, True
        return qs

    def filter_agency(self, queryset, name, value):
        # EXISTS, not IN (the agency's every share): a page is then read off the list's
        # index, and with a narrower filter on the shares (overdue, status) only its few
        # rows are looked up.
        return queryset.filter(Exists(self._mine().filter(directive=OuterRef("pk"))))

    def filter_progress(self, queryset, name, value):
        if self.scope_agency is not None:
            return queryset.filter(pk__in=self._mine().progress(value).values("directive_id"))
        return queryset.progress(value)

    def filter_status(self, queryset, name, value):
        if self.scope_agency is not None and value != Status.CLOSED:
            return queryset.filter(pk__in=self._mine().filter(status=value).values("directive_id")).exclude(
                state=Status.CLOSED
            )
        return queryset.filter(state=value)

    def filter_text(self, queryset, name, value):
        # Heading and text through the one Thai normaliser (ลําปาง finds ลำปาง), word by word.
        words = thai.query_words(value)
        if not words:
            return queryset
        # The matches can be thousands: a page sorts their ids, then reads its rows.
        return queryset.filter(thai.search_condition(words)).paged_by_ids(always=True)

    def filter_source(self, queryset, name, value):
        if value == "meeting":
            return queryset.from_meetings()
        if value == "letter":
            return queryset.from_letters()
        return queryset

    def filter_letter_number(self, queryset, name, value):
        key = Letter.key_for(value)
        if not key:
            return queryset
        return queryset.filter(letter__number_key__icontains=key)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        if self.scope_agency is not None:
            overdue = Q(pk__in=self._mine().progress("overdue").values("directive_id"))
        else:
            overdue = Q(pk__in=Directive.objects.progress("overdue").values("pk"))
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class LetterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="ค้นหา (ที่ / เรื่อง / จาก)", method="filter_text")
    year = ThaiNumberFilter(label="ปี พ.ศ.", method="filter_year", help_text="เช่น ๒๕๖๗")
    date_from = ThaiDateFilter(label="ลงวันที่ตั้งแต่", field_name="date", lookup_expr="gte")
    date_to = ThaiDateFilter(label="ลงวันที่ถึง", field_name="date", lookup_expr="lte")

    class Meta:
        model = Letter
        fields = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        words = thai.query_words(value)
        condition = Q(number_key__icontains=Letter.key_for(value))
        if words:
            condition |= thai.search_condition(words)
        return queryset.filter(condition)

    def filter_year(self, queryset, name, value):
        if value is None:
            return queryset
        year = value - 543 if value > 2400 else value
        if not 1 <= year <= 9999:
            return queryset.none()
        return queryset.filter(date__year=year)
