"""lampang_tracker/thai.py, its template filters and the Thai form fields."""

from __future__ import annotations

import datetime
import zoneinfo

from django import forms
from django.template import Context, Template
from django.test import SimpleTestCase, override_settings

from lampang_tracker import thai
from lampang_tracker.forms import ThaiDateField, ThaiIntegerField, ThaiTimeField

NOV_29_2017 = datetime.date(2017, 11, 29)


class DigitsTests(SimpleTestCase):
    def test_it_writes_thai_digits(self):
        self.assertEqual(thai.thai_digits("10/2560"), "๑๐/๒๕๖๐")
        self.assertEqual(thai.thai_digits(7.1), "๗.๑")
        self.assertEqual(thai.thai_digits(0), "๐")
        self.assertEqual(thai.thai_digits(None), "")
        self.assertEqual(thai.thai_digits("ข้อ 7 หน้า ๒"), "ข้อ ๗ หน้า ๒")

    def test_it_uses_the_real_thai_digit_code_points(self):
        self.assertEqual([ord(c) for c in thai.thai_digits("0123456789")], list(range(0x0E50, 0x0E5A)))

    def test_it_reads_thai_digits_back(self):
        self.assertEqual(thai.arabic_digits("๒๙/๑๑/๒๕๖๐"), "29/11/2560")
        self.assertEqual(thai.arabic_digits(""), "")
        self.assertEqual(thai.arabic_digits(thai.thai_digits("0123456789")), "0123456789")


class DateFormattingTests(SimpleTestCase):
    def test_it_writes_long_dates_in_buddhist_era(self):
        self.assertEqual(thai.date_long(NOV_29_2017), "๒๙ พฤศจิกายน ๒๕๖๐")
        self.assertEqual(thai.date_long(NOV_29_2017, digits=False), "29 พฤศจิกายน 2560")

    def test_it_writes_dates_with_the_weekday_as_minutes_head_them(self):
        self.assertEqual(thai.date_weekday(datetime.date(2020, 6, 17)), "วันพุธที่ ๑๗ มิถุนายน ๒๕๖๓")
        self.assertEqual(thai.date_weekday(NOV_29_2017, digits=False), "วันพุธที่ 29 พฤศจิกายน 2560")
        self.assertEqual(thai.date_weekday(datetime.date(2025, 1, 5)), "วันอาทิตย์ที่ ๕ มกราคม ๒๕๖๘")

    def test_it_writes_short_dates_in_buddhist_era(self):
        self.assertEqual(thai.date_short(NOV_29_2017), "๒๙ พ.ย. ๒๕๖๐")
        self.assertEqual(thai.date_short(datetime.date(2025, 1, 5)), "๕ ม.ค. ๒๕๖๘")

    def test_it_writes_dates_as_users_type_them(self):
        self.assertEqual(thai.date_numeric(datetime.date(2017, 1, 5)), "05/01/2560")

    def test_it_writes_times_the_office_way(self):
        self.assertEqual(thai.time_thai(datetime.time(9, 30)), "๐๙.๓๐ น.")
        self.assertEqual(thai.time_thai(datetime.time(13, 5), digits=False), "13.05 น.")

    def test_it_writes_nothing_for_no_date(self):
        for formatter in (thai.date_long, thai.date_weekday, thai.date_short, thai.date_numeric, thai.time_thai):
            self.assertEqual(formatter(None), "")

    def test_it_counts_the_buddhist_era_year(self):
        self.assertEqual(thai.be_year(NOV_29_2017), 2560)


class ParseThaiDateTests(SimpleTestCase):
    def test_it_reads_dates_as_thai_users_type_them(self):
        for typed in (
            "29/11/2560",
            "๒๙/๑๑/๒๕๖๐",
            " 29 / 11 / 2560 ",
            "29.11.2560",
            "29-11-2560",
            "2017-11-29",
            "29/11/2017",
        ):
            with self.subTest(typed=typed):
                self.assertEqual(thai.parse_thai_date(typed), NOV_29_2017)

    def test_it_reads_single_digit_days_and_months(self):
        self.assertEqual(thai.parse_thai_date("๕/๑/๒๕๖๘"), datetime.date(2025, 1, 5))

    def test_it_knows_leap_years_in_buddhist_era(self):
        self.assertEqual(thai.parse_thai_date("29/02/2567"), datetime.date(2024, 2, 29))
        with self.assertRaisesMessage(ValueError, "ไม่มีวันที่นี้ในปฏิทิน"):
            thai.parse_thai_date("29/02/2566")

    def test_it_explains_an_impossible_date_in_thai(self):
        for typed in ("31/02/2560", "32/01/2560", "00/01/2560", "15/13/2560"):
            with self.subTest(typed=typed), self.assertRaisesMessage(ValueError, "ไม่มีวันที่นี้ในปฏิทิน"):
                thai.parse_thai_date(typed)

    def test_it_explains_a_bad_format_in_thai(self):
        for typed in ("", "พรุ่งนี้", "29/11", "29/11/60", "2560/11/29", "29 พ.ย. 2560", None):
            with self.subTest(typed=typed), self.assertRaisesMessage(ValueError, "กรุณากรอกวันที่ในรูปแบบ วว/ดด/ปปปป"):
                thai.parse_thai_date(typed)

    def test_it_explains_an_implausible_year_in_thai(self):
        with self.assertRaisesMessage(ValueError, "ปีไม่ถูกต้อง"):
            thai.parse_thai_date("29/11/1200")


class ThaiSortedTests(SimpleTestCase):
    def test_it_sorts_in_thai_dictionary_order_not_code_point_order(self):
        districts = ["งาว", "แม่เมาะ", "เถิน", "วังเหนือ", "เกาะคา", "แจ้ห่ม"]
        self.assertEqual(thai.thai_sorted(districts), ["เกาะคา", "งาว", "แจ้ห่ม", "เถิน", "แม่เมาะ", "วังเหนือ"])
        # Code-point order would put every เ/แ word after ว.
        self.assertNotEqual(sorted(districts), thai.thai_sorted(districts))

    def test_it_puts_koh_kha_before_ngao_and_mae_mo_after_thoen(self):
        ordered = thai.thai_sorted(["เถิน", "งาว", "แม่เมาะ", "เกาะคา"])
        self.assertLess(ordered.index("เกาะคา"), ordered.index("งาว"))
        self.assertGreater(ordered.index("แม่เมาะ"), ordered.index("เถิน"))

    def test_it_sorts_all_thirteen_districts_of_lampang(self):
        districts = [
            "เมืองลำปาง",
            "แม่เมาะ",
            "เกาะคา",
            "เสริมงาม",
            "งาว",
            "แจ้ห่ม",
            "วังเหนือ",
            "เถิน",
            "แม่พริก",
            "แม่ทะ",
            "สบปราบ",
            "ห้างฉัตร",
            "เมืองปาน",
        ]
        self.assertEqual(
            thai.thai_sorted(districts),
            [
                "เกาะคา",
                "งาว",
                "แจ้ห่ม",
                "เถิน",
                "เมืองปาน",
                "เมืองลำปาง",
                "แม่ทะ",
                "แม่พริก",
                "แม่เมาะ",
                "วังเหนือ",
                "สบปราบ",
                "เสริมงาม",
                "ห้างฉัตร",
            ],
        )

    def test_it_sorts_objects_by_a_key_and_keeps_duplicates(self):
        items = [("b", "งาว"), ("a", "เกาะคา"), ("c", "งาว")]
        self.assertEqual(thai.thai_sorted(items, key=lambda i: i[1]), [("a", "เกาะคา"), ("b", "งาว"), ("c", "งาว")])
        self.assertEqual(thai.thai_sorted([]), [])


class TemplateFilterTests(SimpleTestCase):
    def render(self, source: str, **context) -> str:
        return Template(source).render(Context(context))

    def test_it_formats_thai_in_templates_without_loading_a_library(self):
        rendered = self.render(
            "{{ n|thai_digits }}|{{ d|thai_date }}|{{ d|thai_date_short }}|{{ d|thai_date_input }}|{{ t|thai_time }}",
            n=25,
            d=NOV_29_2017,
            t=datetime.time(9, 30),
        )
        self.assertEqual(rendered, "๒๕|๒๙ พฤศจิกายน ๒๕๖๐|๒๙ พ.ย. ๒๕๖๐|29/11/2560|๐๙.๓๐ น.")

    @override_settings(TIME_ZONE="Asia/Bangkok")
    def test_it_shows_a_moment_in_bangkok_time(self):
        moment = datetime.datetime(2017, 11, 29, 2, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
        self.assertEqual(self.render("{{ m|thai_datetime }}", m=moment), "๒๙ พ.ย. ๒๕๖๐ ๐๙.๓๐ น.")
        self.assertEqual(self.render("{{ m|thai_datetime }}", m=None), "")


class ThaiFieldTests(SimpleTestCase):
    def test_it_reads_thai_and_arabic_dates_alike(self):
        field = ThaiDateField()
        self.assertEqual(field.clean("29/11/2560"), NOV_29_2017)
        self.assertEqual(field.clean("๒๙/๑๑/๒๕๖๐"), NOV_29_2017)

    def test_it_answers_bad_dates_with_the_thai_message(self):
        with self.assertRaisesMessage(forms.ValidationError, "ไม่มีวันที่นี้ในปฏิทิน"):
            ThaiDateField().clean("31/02/2560")
        with self.assertRaisesMessage(forms.ValidationError, "กรุณากรอกวันที่ในรูปแบบ"):
            ThaiDateField().clean("abc")

    def test_it_shows_a_saved_date_as_users_type_it(self):
        class Form(forms.Form):
            date = ThaiDateField()

        self.assertIn('value="29/11/2560"', str(Form(initial={"date": NOV_29_2017})["date"]))
        self.assertIn('value="31/02/2560"', str(Form(data={"date": "31/02/2560"})["date"]))

    def test_it_reads_times_as_the_office_writes_them(self):
        field = ThaiTimeField()
        for typed in ("09.30", "9.30 น.", "09:30", "๐๙.๓๐ น."):
            with self.subTest(typed=typed):
                self.assertEqual(field.clean(typed), datetime.time(9, 30))
        with self.assertRaisesMessage(forms.ValidationError, "กรุณากรอกเวลาในรูปแบบ ชช.นน"):
            field.clean("เก้าโมง")

    def test_it_reads_integers_typed_in_thai_digits(self):
        self.assertEqual(ThaiIntegerField().clean("๑๒"), 12)
        self.assertEqual(ThaiIntegerField().clean(" 7 "), 7)

    def test_integers_are_typed_into_a_text_box_that_keeps_thai_digits(self):
        class Form(forms.Form):
            percent = ThaiIntegerField(min_value=0, max_value=100)

        html = str(Form()["percent"])
        self.assertIn('type="text"', html)
        self.assertIn('inputmode="numeric"', html)
        self.assertNotIn("max=", html)
        with self.assertRaises(forms.ValidationError):
            Form.base_fields["percent"].clean("๑๕๐")


class HeadLinesTests(SimpleTestCase):
    """A document head's long line (the venue) cut where the office cuts it."""

    SEED_VENUE = "ณ ห้องศูนย์ปฏิบัติการจังหวัดลำปาง (สำนักงานกองทุนหมู่บ้านและชุมชนเมืองแห่งชาติ) ชั้น ๑ ศาลากลางจังหวัดลำปาง"

    def test_it_cuts_after_the_closing_bracket_as_the_minutes_seed(self):
        self.assertEqual(
            thai.head_lines(self.SEED_VENUE),
            ["ณ ห้องศูนย์ปฏิบัติการจังหวัดลำปาง (สำนักงานกองทุนหมู่บ้านและชุมชนเมืองแห่งชาติ)", "ชั้น ๑ ศาลากลางจังหวัดลำปาง"],
        )

    def test_it_leaves_a_line_that_fits_whole(self):
        venue = "ณ ห้องประชุมออลิมปิก ชั้น ๔ ศาลากลางจังหวัดลำปาง"
        self.assertEqual(thai.head_lines(venue), [venue])
        self.assertEqual(thai.head_lines("ณ ห้องประชุม (ชั้น ๒) ศาลากลาง"), ["ณ ห้องประชุม (ชั้น ๒) ศาลากลาง"])

    def test_it_leaves_a_long_line_with_nowhere_to_cut_to_the_renderer(self):
        venue = "ณ " + "ห้องประชุมศาลากลางจังหวัดลำปาง " * 4
        self.assertEqual(thai.head_lines(venue), [venue.strip()])
        # a bracket that closes too late to leave a first line whole is no place to cut
        late = "ณ " + "ห้องประชุมศาลากลางจังหวัดลำปาง " * 3 + "(อาคาร ๒) ชั้น ๓"
        self.assertEqual(thai.head_lines(late), [late])

    def test_it_counts_marks_above_and_below_as_taking_no_room(self):
        self.assertEqual(thai.display_width("น้ำ"), 2)
        self.assertEqual(thai.display_width("ที่ตั้ง"), 3)
