"""How well search finds what people type, on the seed documents (tests/data).

    .venv/bin/python bench/bench_search_quality.py [-v]

Each non-empty line of the seeds is one document. Each query is typed as a user
would (decomposed sara am from a PDF copy, a tone mark before its vowel, invisible
characters, Thai or Arabic digits, a word inside an unspaced compound, an agency's
name, a short word that is also the start of a longer one) and its expected hits
are worked out WITHOUT the search code: the lines whose text holds one of the
query's spellings listed here; for a short word, the lines where pythainlp's other
dictionary tokeniser ("longest", not the "newmm" search uses) cuts it as a word of
its own. The search side is the app's: ``thai.search_text`` of each line (what the
column stores) and ``thai.search_matches`` (the rule of ``thai.search_condition``).
Prints recall and precision over all queries; targets recall ≥ 0.98, precision ≥ 0.90.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pythainlp.tokenize import word_tokenize  # noqa: E402

from lampang_tracker import thai  # noqa: E402

SEEDS = ROOT / "tests" / "data"

# (as typed, spellings that count as a hit). One spelling: the typed text itself
# (when it is already the proper spelling). Short words are judged as words.
QUERIES: list[tuple[str, tuple[str, ...]]] = [
    # decomposed and disordered spellings, invisible characters
    ("ลําปาง", ("ลำปาง", "ลําปาง")),
    ("ลำ\u200bปาง", ("ลำปาง", "ลําปาง")),
    ("ทํางาน", ("ทำงาน", "ทํางาน")),
    ("สําคัญ", ("สำคัญ", "สําคัญ")),
    ("กําหนด", ("กำหนด", "กําหนด")),
    ("นํ้า", ("น้ำ", "นํ้า")),
    ("ผ\u0e49\u0e39ว่าราชการ", ("ผู้ว่าราชการ",)),
    ("ผ\u0e49\u0e39", ("ผู้",)),
    ("จัง\u00adหวัด", ("จังหวัด",)),
    ("ดำเนิน\u200cการ", ("ดำเนินการ",)),
    ("อํานวยการ", ("อำนวยการ",)),
    ("สํานักงาน", ("สำนักงาน",)),
    ("คําสั่ง", ("คำสั่ง",)),
    ("ประจําปี", ("ประจำปี",)),
    ("ชํารุด", ("ชำรุด",)),
    # words inside unspaced compounds
    ("จังหวัด", ("จังหวัด",)),
    ("ท่องเที่ยว", ("ท่องเที่ยว",)),
    ("ราชการ", ("ราชการ",)),
    ("ยุทธศาสตร์", ("ยุทธศาสตร์",)),
    ("ซอฟต์พาวเวอร์", ("ซอฟต์พาวเวอร์",)),
    ("ประชุม", ("ประชุม",)),
    ("งบประมาณ", ("งบประมาณ",)),
    ("เกษตร", ("เกษตร",)),
    ("ชุมชน", ("ชุมชน",)),
    ("พัฒนา", ("พัฒนา",)),
    ("สุขภาพ", ("สุขภาพ",)),
    ("โครงการ", ("โครงการ",)),
    ("หมู่บ้าน", ("หมู่บ้าน",)),
    ("การศึกษา", ("การศึกษา",)),
    ("สิ่งแวดล้อม", ("สิ่งแวดล้อม",)),
    ("ฝุ่น", ("ฝุ่น",)),
    ("หมอกควัน", ("หมอกควัน",)),
    ("เศรษฐกิจ", ("เศรษฐกิจ",)),
    ("วัฒนธรรม", ("วัฒนธรรม",)),
    ("ผู้สูงอายุ", ("ผู้สูงอายุ",)),
    ("ประชาชน", ("ประชาชน",)),
    ("ความปลอดภัย", ("ความปลอดภัย",)),
    ("บุคลากร", ("บุคลากร",)),
    ("ติดตาม", ("ติดตาม",)),
    ("รายงาน", ("รายงาน",)),
    ("ครัวเรือน", ("ครัวเรือน",)),
    ("ผลิตภัณฑ์", ("ผลิตภัณฑ์",)),
    ("อาหาร", ("อาหาร",)),
    ("เยาวชน", ("เยาวชน",)),
    ("ศาลากลาง", ("ศาลากลาง",)),
    # agency and office names
    ("กระทรวงมหาดไทย", ("กระทรวงมหาดไทย",)),
    ("สำนักงานพัฒนาชุมชนจังหวัดลำปาง", ("สำนักงานพัฒนาชุมชนจังหวัดลำปาง",)),
    ("องค์การบริหารส่วนจังหวัด", ("องค์การบริหารส่วนจังหวัด",)),
    ("กรมการพัฒนาชุมชน", ("กรมการพัฒนาชุมชน",)),
    ("ศึกษาธิการ", ("ศึกษาธิการ",)),
    ("อำเภอเกาะคา", ("อำเภอเกาะคา",)),
    ("สำนักงานจังหวัด", ("สำนักงานจังหวัด",)),
    # numbers, Thai or Arabic digits either way
    ("2560", ("2560", "๒๕๖๐")),
    ("๒๕๖๐", ("2560", "๒๕๖๐")),
    ("๒๕๖๓", ("2563", "๒๕๖๓")),
    ("2567", ("2567", "๒๕๖๗")),
    ("๒๕๖๗", ("2567", "๒๕๖๗")),
    ("0810", ("0810", "๐๘๑๐")),
    ("๐๕๔", ("054", "๐๕๔")),
    # short words that begin longer ones: found only as words of their own
    ("ตา", ()),
    ("นา", ()),
    ("ปี", ()),
    ("ผล", ()),
    ("มี", ()),
    ("คน", ()),
    ("ดี", ()),
]

DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def documents() -> list[str]:
    docs = []
    for path in sorted(SEEDS.glob("*.txt")):
        docs.extend(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return docs


def expected(query: str, spellings: tuple[str, ...], docs: list[str]) -> set[int]:
    if spellings:
        return {i for i, doc in enumerate(docs) if any(s in unicodedata.normalize("NFC", doc) for s in spellings)}
    # A short word: where the "longest" tokeniser makes it a word of its own.
    return {
        i
        for i, doc in enumerate(docs)
        if query in doc and query in word_tokenize(doc, engine="longest", keep_whitespace=False)
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-v", "--verbose", action="store_true", help="list each query's misses and false hits")
    args = parser.parse_args(argv)
    docs = documents()
    columns = [thai.search_text(doc) for doc in docs]
    total_expected = total_found = total_right = 0
    print(f"{len(docs)} documents (lines of the seeds), {len(QUERIES)} queries\n")
    print(f"{'query':34} {'expected':>8} {'found':>6} {'right':>6} {'recall':>7} {'precision':>9}")
    for query, spellings in QUERIES:
        want = expected(query, spellings, docs)
        words = thai.query_words(query)
        got = {i for i, column in enumerate(columns) if thai.search_matches(column, words)}
        right = want & got
        total_expected += len(want)
        total_found += len(got)
        total_right += len(right)
        recall = len(right) / len(want) if want else 1.0
        precision = len(right) / len(got) if got else 1.0
        shown = (
            query.encode("unicode_escape").decode()
            if any(ord(c) in range(0x200B, 0x2061) or c == "\u00ad" for c in query)
            else query
        )
        flag = "" if (recall, precision) == (1.0, 1.0) else "  <"
        print(f"{shown:34} {len(want):8} {len(got):6} {len(right):6} {recall:7.2f} {precision:9.2f}{flag}")
        if args.verbose and flag:
            for i in sorted(want - got)[:3]:
                print(f"      missed: {docs[i][:100]}")
            for i in sorted(got - want)[:3]:
                print(f"      false:  {docs[i][:100]}")
        if not want:
            print(f"      (no expected hit: {query!r} is not in the seeds)")
    recall = total_right / total_expected
    precision = total_right / total_found
    print(f"\nrecall {recall:.3f} (target ≥ 0.98)   precision {precision:.3f} (target ≥ 0.90)")
    print(f"over {len(QUERIES)} queries: {total_expected} expected hits, {total_found} found, {total_right} right")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
