import datetime
from collections import Counter

from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import TestCase

from agencies.models import Agency, AgencyGroup, Profile
from directives import services
from directives.models import Assignment, Directive, ProgressReport, ResponsibleParty, Status, sort_key_for
from meetings.models import Meeting

TODAY = datetime.date(2024, 6, 30)


def generate(directives: int, seed: int = 7, **options) -> None:
    call_command(
        "generate_demo_data",
        f"--directives={directives}",
        f"--seed={seed}",
        f"--today={TODAY.isoformat()}",
        verbosity=0,
        **options,
    )


class _Rollback(Exception):
    pass


class GenerateDemoDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        generate(300)

    def test_it_creates_exactly_the_requested_number_of_directives(self):
        self.assertEqual(Directive.objects.count(), 300)
        per_meeting = Directive.objects.values("meeting").annotate(n=Count("pk")).values_list("n", flat=True)
        self.assertLessEqual(max(per_meeting), 20)
        self.assertGreater(Meeting.objects.count(), 10)

    def test_it_creates_about_sixty_agencies_with_the_thirteen_districts(self):
        self.assertGreaterEqual(Agency.objects.count(), 55)
        self.assertEqual(Agency.objects.filter(kind=Agency.Kind.DISTRICT).count(), 13)
        self.assertTrue(Agency.objects.filter(name="อำเภอเมืองปาน").exists())

    def test_it_numbers_meetings_once_per_series_and_year_in_date_order(self):
        keys = list(Meeting.objects.values_list("series_id", "year_be", "number"))
        self.assertEqual(len(keys), len(set(keys)))
        for meeting in Meeting.objects.all():
            self.assertEqual(meeting.year_be, meeting.date.year + 543)
            self.assertLessEqual(meeting.date, TODAY)
        by_series_year: dict[tuple[int, int], list[Meeting]] = {}
        for meeting in Meeting.objects.order_by("date"):
            by_series_year.setdefault((meeting.series_id, meeting.year_be), []).append(meeting)
        for meetings in by_series_year.values():
            numbers = [m.number for m in meetings]
            self.assertEqual(numbers, sorted(numbers))

    def test_it_restarts_the_meeting_number_each_buddhist_era_year(self):
        generate(3000, seed=8)  # reaches back into the previous year
        years = Meeting.objects.values_list("year_be", flat=True).distinct()
        self.assertGreaterEqual(len(years), 2)
        for year_be in years:
            numbers = Meeting.objects.filter(year_be=year_be).values_list("number", flat=True)
            self.assertLessEqual(max(numbers), 12)

    def test_it_numbers_sub_items_under_their_parent_in_the_same_meeting(self):
        children = Directive.objects.filter(parent__isnull=False).select_related("parent")
        self.assertTrue(children.exists())
        for child in children:
            self.assertTrue(child.number.startswith(child.parent.number + "."))
            self.assertEqual(child.meeting_id, child.parent.meeting_id)
        numbers = list(Directive.objects.values_list("meeting_id", "number"))
        self.assertEqual(len(numbers), len(set(numbers)))
        for directive in Directive.objects.all():
            self.assertEqual(directive.sort_key, sort_key_for(directive.number))
            directive.full_clean()

    def test_it_sets_derived_columns_as_the_services_would(self):
        def snapshot():
            return (
                list(Directive.objects.order_by("pk").values_list("pk", "state", "open_due_date")),
                list(Assignment.objects.order_by("pk").values_list("pk", "status", "is_open", "due_date")),
            )

        before = snapshot()
        for directive in Directive.objects.prefetch_related("assignments"):
            for assignment in directive.assignments.all():
                services._assignment_recompute_status(assignment)
            services.directive_refresh(directive)
        self.assertEqual(snapshot(), before)

    def test_it_prints_one_party_line_per_named_agency_and_assigns_group_members(self):
        for directive in Directive.objects.prefetch_related("parties", "assignments"):
            parties = list(directive.parties.all())
            named = {p.agency_id for p in parties if p.agency_id}
            leads = {a.agency_id for a in directive.assignments.all() if a.role == Assignment.Role.LEAD}
            self.assertEqual(named, leads)
            for group_line in (p for p in parties if p.group_id):
                members = set(group_line.group.members.values_list("pk", flat=True))
                self.assertLessEqual(members, {a.agency_id for a in directive.assignments.all()})
            self.assertEqual([p.position for p in parties], list(range(len(parties))))
        self.assertTrue(ResponsibleParty.objects.filter(agency=None, group=None).exclude(label="").exists())
        self.assertTrue(AgencyGroup.objects.filter(name="ทุกอำเภอ", members__isnull=False).exists())

    def test_it_gives_items_with_agencies_one_to_four_named_agencies(self):
        counts = Counter(
            ResponsibleParty.objects.filter(agency__isnull=False)
            .values("directive")
            .annotate(n=Count("pk"))
            .values_list("n", flat=True)
        )
        self.assertLessEqual(set(counts), {1, 2, 3, 4})
        self.assertGreater(len(counts), 1)

    def test_it_varies_states_and_leaves_some_items_overdue_and_some_due_later(self):
        states = set(Directive.objects.values_list("state", flat=True))
        self.assertGreaterEqual(len(states), 3)
        self.assertTrue(Assignment.objects.overdue(on=TODAY).exists())
        self.assertTrue(Assignment.objects.open().filter(due_date__gte=TODAY).exists())
        self.assertTrue(Directive.objects.open().overdue(on=TODAY).exists())

    def test_it_writes_reports_by_agency_users_or_the_generator_never_in_the_future(self):
        self.assertTrue(ProgressReport.objects.exists())
        self.assertFalse(ProgressReport.objects.filter(created_at__date__gt=TODAY).exists())
        for report in ProgressReport.objects.select_related("assignment", "created_by__profile")[:200]:
            profile = getattr(report.created_by, "profile", None)
            if profile is not None:
                self.assertEqual(profile.agency_id, report.assignment.agency_id)
            else:
                self.assertEqual(report.created_by.username, "demo_generator")
            self.assertGreaterEqual(report.created_at.date(), report.assignment.directive.meeting.date)

    def test_it_creates_the_bench_users_with_their_roles(self):
        roles = dict(Profile.objects.values_list("user__username", "role"))
        self.assertEqual(roles["bench_secretariat"], Profile.Role.SECRETARIAT)
        self.assertEqual(roles["bench_executive"], Profile.Role.EXECUTIVE)
        self.assertEqual(roles["bench_agency"], Profile.Role.AGENCY)
        self.assertGreaterEqual(Profile.objects.filter(role=Profile.Role.AGENCY).count(), 3)
        agency = Profile.objects.get(user__username="bench_agency").agency
        self.assertTrue(Assignment.objects.for_agency(agency).exists())

    def test_it_adds_older_meetings_when_run_again(self):
        first_oldest = Meeting.objects.order_by("date").first().date
        generate(100, seed=9)
        self.assertEqual(Directive.objects.count(), 400)
        self.assertLess(Meeting.objects.order_by("date").first().date, first_oldest)
        self.assertEqual(Agency.objects.filter(name="อำเภอเมืองปาน").count(), 1)

    def test_it_makes_the_same_data_for_the_same_seed(self):
        def texts(seed: int) -> list[tuple]:
            try:
                with transaction.atomic():
                    before = set(Directive.objects.values_list("pk", flat=True))
                    generate(50, seed=seed)
                    rows = list(
                        Directive.objects.exclude(pk__in=before)
                        .order_by("pk")
                        .values_list("meeting__date", "number", "text", "due_date", "state")
                    )
                    raise _Rollback
            except _Rollback:
                return rows

        self.assertEqual(texts(11), texts(11))
        self.assertNotEqual(texts(11), texts(12))


class ExistingAgenciesTests(TestCase):
    def test_it_uses_existing_agencies_instead_of_creating_its_own(self):
        names = ["สำนักงานจังหวัดลำปาง", "สำนักงานวัฒนธรรมจังหวัดลำปาง", "อำเภอเกาะคา"]
        for name in names:
            Agency.objects.create(name=name)
        generate(60)
        self.assertEqual(sorted(Agency.objects.values_list("name", flat=True)), sorted(names))
        self.assertEqual(set(Assignment.objects.values_list("agency__name", flat=True)), set(names))
        self.assertEqual(Directive.objects.count(), 60)

    def test_it_writes_no_reports_when_told_not_to(self):
        generate(40, **{"reports_per_assignment": 0})
        self.assertFalse(ProgressReport.objects.exists())
        self.assertFalse(Assignment.objects.exclude(status=Status.NOT_STARTED).exists())
