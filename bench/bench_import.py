"""Accuracy of the directive import against the seed meeting ๑๐/๒๕๖๐.

    .venv/bin/python bench/bench_import.py

Imports the seed summary from its text, from a .docx built from it
(tests/import_samples.py) and from our own summary PDF of the demo meeting
(``directives.documents.render_summary``), and the Ministry of Interior letter from
its text; prints items, numbers, parties and dates right against the ground truth:
the demo fixture ``fixtures/meeting-10-2560.json`` that ``load_demo`` loads (and, for
the letter, the four numbered directives of the seed with their reporting cycle).
Targets: every item and number right; ≥ 95 % of parties matched to the right agency
or group; every date right. Everything lives in a throw-away SQLite database in a
temporary directory. Figures, not pass/fail: a figure under its target is flagged.
"""

from __future__ import annotations

import datetime
import difflib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTY_TARGET = 95.0
LETTER_TRUTH = {
    "numbers": ["1", "2", "3", "4"],
    "dates": {"4": (None, 25, datetime.date(2025, 9, 30))},
    "source": {"number": "มท ๐๘๑๐.๖/ว ๑๒๕๐๕", "date": datetime.date(2024, 12, 7)},
}


def setup_django(tmp: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench-import.sqlite3'}"
    os.environ["VAR_DIR"] = str(tmp)
    os.environ["DEBUG"] = "1"  # load_demo refuses to run otherwise
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lampang_tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def truth() -> dict[str, dict]:
    """number → {parent, heading, parties: [(agency_id, group_id, label-or-None)]}."""
    from agencies.models import Agency, AgencyGroup

    data = json.loads((ROOT / "fixtures" / "meeting-10-2560.json").read_text(encoding="utf-8"))
    agencies = {a.name: a.pk for a in Agency.objects.all()}
    groups = {g.name: g.pk for g in AgencyGroup.objects.all()}
    out = {}
    for item in data["directives"]:
        parties = [(agencies.get(p.get("agency")), groups.get(p.get("group"))) for p in item["parties"]]
        out[item["number"]] = {"heading": item["heading"], "text": item["text"], "parties": parties}
    return out


def score_summary(name: str, document, matcher, expected: dict, seconds: float) -> dict:
    numbers = [item.number for item in document.items]
    items_right = sum(1 for n in numbers if n in expected) == len(expected) == len(numbers)
    parties_total = sum(len(e["parties"]) for e in expected.values())
    parties_right = headings_right = texts_right = dates_right = 0
    similarity = []
    for item in document.items:
        want = expected.get(item.number)
        if want is None:
            continue
        got = [(m.agency_id, m.group_id) for m in (matcher.match(label) for label in item.party_labels)]
        parties_right += sum(1 for g, w in zip(got, want["parties"], strict=False) if g == w)
        headings_right += item.heading == want["heading"]
        texts_right += item.text.replace("\n", "") == want["text"].replace("\n", "")
        similarity.append(difflib.SequenceMatcher(None, item.text, want["text"]).ratio())
        # The seed summary has no deadlines or cycles: right means none invented.
        dates_right += item.due_date is None and item.report_day is None and item.report_until is None
    return {
        "source": name,
        "items": f"{len(numbers)}/{len(expected)}",
        "numbers right": f"{sum(1 for n in numbers if n in expected)}/{len(expected)}" + ("" if items_right else " !"),
        "parties right": f"{parties_right}/{parties_total} ({100 * parties_right / parties_total:.1f} %)"
        + ("" if 100 * parties_right / parties_total >= PARTY_TARGET else " !"),
        "headings right": f"{headings_right}/{len(expected)}",
        "texts exact": f"{texts_right}/{len(expected)} ({100 * sum(similarity) / len(similarity):.1f} % alike)",
        "dates right": f"{dates_right}/{len(expected)}",
        "problems": len(document.problems),
        "seconds": f"{seconds:.2f}",
    }


def score_letter(document, matcher, seconds: float) -> dict:
    numbers = [item.number for item in document.items]
    dates_right = 0
    for item in document.items:
        want = LETTER_TRUTH["dates"].get(item.number, (None, None, None))
        dates_right += (item.due_date, item.report_day, item.report_until) == want
    source_right = all(document.source.get(k) == v for k, v in LETTER_TRUTH["source"].items())
    matched = [matcher.match(label) for item in document.items for label in item.party_labels]
    return {
        "source": "letter (text)",
        "items": f"{len(numbers)}/{len(LETTER_TRUTH['numbers'])}",
        "numbers right": f"{sum(1 for n in numbers if n in LETTER_TRUTH['numbers'])}/{len(LETTER_TRUTH['numbers'])}"
        + ("" if numbers == LETTER_TRUTH["numbers"] else " !"),
        "parties right": f"{sum(1 for m in matched if m.matched)} matched of {len(matched)} named in the text"
        f" ({sum(1 for m in matched if m.needs_decision)} flagged)",
        "headings right": "ที่/ลงวันที่ " + ("right" if source_right else "WRONG !"),
        "texts exact": "-",
        "dates right": f"{dates_right}/{len(numbers)}",
        "problems": len(document.problems),
        "seconds": f"{seconds:.2f}",
    }


def repair_figures() -> str:
    """How much of the slides seed (Thai broken by PDF extraction) the repair brings back
    to dictionary words, and that right text is left alone."""
    from imports.thai_repair import repair, unknown_chars
    from tests.import_samples import DATA, SLIDES_SEED

    lines = [line for line in SLIDES_SEED.read_text(encoding="utf-8").split("\n") if line.strip()]
    start = time.perf_counter()
    fixed = [repair(line) for line in lines]
    seconds = time.perf_counter() - start
    before = sum(unknown_chars(line) for line in lines)
    after = sum(unknown_chars(line) for line in fixed)
    thai = sum(1 for line in lines for ch in line if "\u0e01" <= ch <= "\u0e4e")
    untouched = all(
        repair(text) == text
        for text in (
            (DATA / name).read_text(encoding="utf-8")
            for name in ("meeting-summary-lampang-10-2560.txt", "moi-letter-soft-power-2567.txt")
        )
    )
    return (
        f"Thai repair of the slides seed: characters outside dictionary words {before} → {after} "
        f"of {thai} Thai characters ({seconds:.1f} s); right seed texts unchanged: {'yes' if untouched else 'NO !'}"
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="lampang-bench-import-") as tmp:
        setup_django(Path(tmp))
        from directives.documents import render_summary
        from imports import parsers
        from imports.matching import Matcher
        from meetings.models import Meeting
        from tests.import_samples import letter_text, summary_docx, summary_text

        expected = truth()
        matcher = Matcher()
        meeting = Meeting.objects.get(number=10, year_be=2560)
        _, pdf = render_summary(meeting)
        sources = [
            ("summary (text)", {"text": summary_text()}),
            ("summary (.docx)", {"data": summary_docx(), "filename": "summary.docx"}),
            ("summary (our PDF)", {"data": pdf, "filename": "summary.pdf"}),
        ]
        rows = []
        for name, kwargs in sources:
            start = time.perf_counter()
            document = parsers.parse(kind=parsers.SUMMARY, **kwargs)
            rows.append(score_summary(name, document, matcher, expected, time.perf_counter() - start))
        start = time.perf_counter()
        letter = parsers.parse(kind=parsers.LETTER, text=letter_text())
        rows.append(score_letter(letter, matcher, time.perf_counter() - start))
        columns = list(rows[0])
        widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
        print("  ".join(c.ljust(widths[c]) for c in columns))
        for row in rows:
            print("  ".join(str(row[c]).ljust(widths[c]) for c in columns))
        print("(! = under target: every item and number, ≥ 95 % of parties, every date)")
        print(repair_figures())


if __name__ == "__main__":
    main()
