"""The one Thai normaliser that stored search text and every query go through."""

from django.test import SimpleTestCase

from lampang_tracker import thai


class NormaliseTests(SimpleTestCase):
    def test_it_writes_nikhahit_and_sara_aa_as_sara_am(self):
        self.assertEqual(thai.normalise("ลําปาง"), "ลำปาง")
        self.assertEqual(thai.normalise("ลําปาง"), thai.normalise("ลำปาง"))

    def test_it_puts_a_tone_mark_after_its_vowel(self):
        # ผู้ typed with the tone mark before sara uu, and น้ำ with the tone after nikhahit.
        self.assertEqual(thai.normalise("ผ\u0e49\u0e39"), "ผู้")
        self.assertEqual(thai.normalise("นํ้า"), "น้ำ")

    def test_it_removes_zero_width_and_soft_hyphen_characters(self):
        for invisible in ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"):
            with self.subTest(invisible=repr(invisible)):
                self.assertEqual(thai.normalise(f"ลำ{invisible}ปาง"), "ลำปาง")

    def test_it_unifies_thai_and_arabic_digits(self):
        self.assertEqual(thai.normalise("มท ๐๘๑๐.๖/ว ๑๒๕๐๕"), thai.normalise("มท 0810.6/ว 12505"))
        self.assertEqual(thai.normalise("๒๕๖๗"), "2567")

    def test_it_composes_to_nfc_and_folds_case(self):
        self.assertEqual(thai.normalise("Cafe\u0301 OTOP"), "café otop")

    def test_it_gives_empty_text_for_nothing(self):
        self.assertEqual(thai.normalise(None), "")
        self.assertEqual(thai.normalise(""), "")

    def test_it_keeps_what_a_reader_sees_when_cleaning_for_display(self):
        self.assertEqual(thai.clean("ลําปาง ๒๕๖๗ ABC"), "ลำปาง ๒๕๖๗ ABC")


class SearchTextTests(SimpleTestCase):
    def test_it_cuts_unspaced_thai_into_words(self):
        text = thai.search_text("ส่งเสริมการท่องเที่ยวจังหวัดลำปาง")
        self.assertTrue(text.startswith(" ") and text.endswith(" "))
        self.assertIn(" ลำปาง ", text)
        self.assertIn(" ส่งเสริม ", text)

    def test_it_stores_the_same_words_for_both_spellings(self):
        self.assertEqual(thai.search_text("น้ำท่วมลำปาง"), thai.search_text("นํ้าท่วมลําปาง"))

    def test_it_drops_punctuation_and_keeps_numbers(self):
        self.assertEqual(thai.search_text("(๑๒.๕ ล้านบาท)"), " 12 5 ล้าน บาท | 12 5 ล้านบาท ")

    def test_it_is_empty_for_empty_parts(self):
        self.assertEqual(thai.search_text("", None), "")

    def test_it_keeps_the_text_as_written_for_words_inside_runs(self):
        text = thai.search_text("ตัวชี้วัดโครงการประชุม")
        # whatever newmm cuts, the run itself is there whole after the separator
        self.assertIn(" ตัวชี้วัดโครงการประชุม ", text.split(thai.SEARCH_SEPARATOR)[1])
        self.assertTrue(thai.search_matches(text, thai.query_words("โครงการ")))

    def test_it_finds_short_words_only_as_words(self):
        self.assertFalse(thai.search_matches(thai.search_text("ให้ติดตามผล"), thai.query_words("ตา")))
        self.assertTrue(thai.search_matches(thai.search_text("ตา และ หู"), thai.query_words("ตา")))

    def test_it_takes_a_query_as_the_user_spaced_it(self):
        self.assertEqual(thai.query_words("สำนักงาน จังหวัด/ลำปาง"), ["สำนักงาน", "จังหวัด", "ลำปาง"])
        self.assertFalse(
            thai.search_matches(thai.search_text("สำนักงาน พัฒนาชุมชนจังหวัด"), thai.query_words("สำนักงานจังหวัด"))
        )

    def test_it_bounds_the_query_words(self):
        self.assertEqual(len(thai.query_words(" ".join(["ลำปาง"] * 50))), thai.MAX_QUERY_WORDS)
        self.assertEqual(thai.query_words("!!! ... ---"), [])
