"""Party labels → Agency / AgencyGroup, with a score (rapidfuzz), after Thai normalisation.

A label is compared with every agency's name, short name and aliases
(``fixtures/agency-aliases.json``) and every group's name and aliases, all reduced
to a core: spaces gone, pythainlp's ``normalize``, the province's name and a
trailing "จังหวัด" taken off ("สำนักงานเกษตรจังหวัด" and "สำนักงานเกษตรจังหวัดลำปาง"
have the same core). A label that names an agency and then qualifies it
("สำนักงานจังหวัดลำปาง และหน่วยงานที่เกี่ยวข้อง", "ทุกส่วนราชการ/หน่วยงานที่ได้รับ
การจัดสรรงบฯ") matches the agency it starts with. Vague labels
("ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง") and anything scoring below ``MATCH_AT`` stay free
text, printed exactly as written; a match below ``SURE_AT`` is flagged for the
secretariat to decide.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from pythainlp.util import normalize
from rapidfuzz import fuzz, process

from agencies.models import Agency, AgencyGroup

ALIASES_FILE = Path(settings.BASE_DIR) / "fixtures" / "agency-aliases.json"
PROVINCE = "ลำปาง"
MATCH_AT = 80  # below: not an agency, kept as free text
SURE_AT = 95  # below: shown with a warning, the secretariat decides
QUALIFIED = 92  # "X และหน่วยงานที่เกี่ยวข้อง", "X ที่ได้รับ…": X, but narrowed or widened
_QUALIFIER = re.compile(r"\s*(?:และ|ที่ได้รับ|ที่เกี่ยวข้อง|ตามที่|ซึ่ง)")


@dataclass(frozen=True)
class Match:
    label: str  # as written in the document
    agency_id: int | None = None
    group_id: int | None = None
    score: int | None = None  # 0–100, None for a vague label
    name: str = ""  # the agency's or group's name

    @property
    def matched(self) -> bool:
        return self.agency_id is not None or self.group_id is not None

    @property
    def needs_decision(self) -> bool:
        return self.score is not None and self.score < SURE_AT

    def as_json(self) -> dict:
        return {"label": self.label, "agency_id": self.agency_id, "group_id": self.group_id, "score": self.score}


@lru_cache(maxsize=1)
def aliases() -> dict:
    with open(ALIASES_FILE, encoding="utf-8") as source:
        return json.load(source)


def core(text: str) -> str:
    """The part of a name that tells agencies apart."""
    text = normalize(re.sub(r"\s+", "", text or ""))
    text = text.replace(PROVINCE, "").replace("จ.", "")
    text = re.sub(r"จังหวัด$", "", text)
    return text.strip()


@dataclass(frozen=True)
class Candidate:
    key: str  # core of one of its names
    agency_id: int | None
    group_id: int | None
    name: str


class Matcher:
    """Built once per import from the active agencies and groups."""

    def __init__(self, agencies=None, groups=None) -> None:
        data = aliases()
        agencies = list(agencies if agencies is not None else Agency.objects.active())
        groups = list(groups if groups is not None else AgencyGroup.objects.filter(is_active=True))
        self.candidates: list[Candidate] = []
        for agency in agencies:
            names = [agency.name, agency.short_name, *data.get("agencies", {}).get(agency.name, [])]
            for name in filter(None, names):
                self.candidates.append(Candidate(core(name), agency.pk, None, agency.name))
        for group in groups:
            for name in [group.name, *data.get("groups", {}).get(group.name, [])]:
                self.candidates.append(Candidate(core(name), None, group.pk, group.name))
        self.candidates = [c for c in self.candidates if c.key]
        self.keys = [c.key for c in self.candidates]
        self.vague = {core(v) for v in data.get("vague", [])}

    def match(self, label: str) -> Match:
        label = label.strip()
        key = core(label)
        if not key or key in self.vague:
            return Match(label)
        best = self._best(key)
        head = _QUALIFIER.split(label, maxsplit=1)[0]
        if head.strip() and head.strip() != label:
            head_key = core(head)
            if head_key and head_key not in self.vague:
                qualified = self._best(head_key)
                if qualified and qualified[1] >= SURE_AT:
                    qualified = (qualified[0], min(qualified[1], QUALIFIED))
                    if not best or qualified[1] > best[1]:
                        best = qualified
        if not best or best[1] < MATCH_AT:
            return Match(label, score=round(best[1]) if best else 0)
        candidate, score = best
        return Match(label, candidate.agency_id, candidate.group_id, round(score), candidate.name)

    def _best(self, key: str) -> tuple[Candidate, float] | None:
        if not self.keys:
            return None
        found = process.extract(key, self.keys, scorer=fuzz.ratio, limit=3)
        if not found:
            return None
        # On a tie the name closest in length wins: "สำนักงานเกษตร" is not "สำนักงานเกษตรและสหกรณ์".
        _, score, index = max(found, key=lambda hit: (hit[1], -abs(len(self.keys[hit[2]]) - len(key))))
        return self.candidates[index], score

    def choices(self) -> list[tuple[str, str]]:
        """(value, name) for a select: "a:<id>" agencies, "g:<id>" groups, once each."""
        seen, out = set(), []
        for candidate in self.candidates:
            value = f"a:{candidate.agency_id}" if candidate.agency_id else f"g:{candidate.group_id}"
            if value not in seen:
                seen.add(value)
                out.append((value, candidate.name))
        return out


def match_all(labels: list[str], matcher: Matcher | None = None) -> list[Match]:
    matcher = matcher or Matcher()
    return [matcher.match(label) for label in labels]
