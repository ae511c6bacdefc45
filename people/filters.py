import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from agencies.models import Agency, Profile

from .forms import PeopleFilterForm


def agency_choices():
    return [(a.pk, a.name) for a in Agency.objects.all().thai_sorted()]


class PeopleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="ค้นหาชื่อหรืออีเมล", method="filter_text")
    agency = django_filters.ChoiceFilter(
        label="หน่วยงาน", field_name="profile__agency", choices=agency_choices, empty_label="ทั้งหมด"
    )
    role = django_filters.ChoiceFilter(
        label="บทบาท", field_name="profile__role", choices=Profile.Role.choices, empty_label="ทั้งหมด"
    )
    active = django_filters.BooleanFilter(
        label="สถานะบัญชี",
        field_name="is_active",
        widget=forms.Select(choices=[("", "ทั้งหมด"), ("true", "ใช้งาน"), ("false", "ปิดการใช้งาน")]),
    )
    never = django_filters.BooleanFilter(
        label="การเข้าสู่ระบบ",
        method="filter_never",
        widget=forms.Select(choices=[("", "ทั้งหมด"), ("true", "ยังไม่เคยเข้าสู่ระบบ"), ("false", "เคยเข้าสู่ระบบแล้ว")]),
    )

    class Meta:
        model = get_user_model()
        fields = []
        form = PeopleFilterForm

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
            | Q(username__icontains=value)
            | Q(profile__position__icontains=value)
        )

    def filter_never(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(last_login__isnull=value)
