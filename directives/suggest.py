"""Which agencies to suggest for a new directive, from similar past directives.

The text being typed and each past directive are cut into Thai words with
pythainlp (``newmm``, offline); two texts are as similar as the words they share,
each word weighted by how rare it is in the history (IDF), so common words
count for little and "ท่องเที่ยว" for much.
The agencies and groups of the most similar directives are then ranked by the
similarity of the directives that named them.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Exists, OuterRef, Q
from pythainlp.corpus import thai_stopwords, thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.util import normalize

from agencies.models import Agency, AgencyGroup

from .models import Directive, ResponsibleParty

MAX_TEXT = 2000  # characters of the typed text that are read; the rest is ignored
HISTORY = 800  # most recent directives compared against
TOP_DIRECTIVES = 8  # similar directives whose agencies are offered
MIN_SIMILARITY = 0.1  # share of the typed text's weight a past directive must contain
PART = 0.5  # a compound matched by its core word only counts half
_WORD = re.compile(r"[\u0E01-\u0E4Ea-zA-Z]")


@dataclass(frozen=True)
class PastDirective:
    text: str
    agency_ids: tuple[int, ...] = ()
    group_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "agency" or "group"
    id: int
    score: float

    @property
    def value(self) -> str:
        """The value of this choice in the directive form's checklist (a12 / g3)."""
        return f"{self.kind[0]}{self.id}"


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(thai_stopwords()) | {"ขอให้", "ให้", "ดำเนินการ", "จังหวัด", "ลำปาง", "จังหวัดลำปาง"}


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    return frozenset(thai_words())


def _core(word: str) -> str | None:
    """The longer of the two dictionary words a compound is made of, if it is one:
    "แหล่งท่องเที่ยว", "นักท่องเที่ยว", "การท่องเที่ยว" -> ท่องเที่ยว. (Both parts
    would make "พื้นที่" and "พื้นเมือง" alike through พื้น.)"""
    words = _dictionary()
    # Parts of three characters or more: "วาระ" is not วา + ระ, nor "ลำปาง" ลำ + ปาง.
    for cut in range(3, len(word) - 2):
        head, tail = word[:cut], word[cut:]
        if head in words and tail in words:
            return max(head, tail, key=len)
    return None


def _content(word: str) -> bool:
    return len(word) > 1 and bool(_WORD.search(word)) and word not in _stopwords()


@lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[tuple[str, str | None], ...]:
    """The content words of ``text`` (no spaces, digits, punctuation or stop
    words), each with its core word when it is a compound."""
    found: dict[str, str | None] = {}
    for word in word_tokenize(normalize(text[:MAX_TEXT]), engine="newmm", keep_whitespace=False):
        word = word.strip().lower()
        if _content(word) and word not in found:
            core = _core(word)
            found[word] = core if core and _content(core) else None
    return tuple(found.items())


def vocabulary(text: str) -> frozenset[str]:
    """Every word of ``text`` and the core of each of its compounds."""
    return frozenset(word for pair in tokens(text) for word in pair if word)


def rank(text: str, history: Sequence[PastDirective], *, limit: int = 6) -> list[Suggestion]:
    """Agencies and groups of the past directives most like ``text``, best first.

    A past directive is as similar as the share of the typed text's words it
    contains, each word weighted by its rarity in the history (IDF); a compound
    of which only the core is found counts for half ("แหล่งท่องเที่ยว" against a
    text about "การท่องเที่ยว")."""
    query = tokens(text or "")
    if not query or not history:
        return []
    documents = [vocabulary(past.text) for past in history]
    frequency = Counter(word for words in documents for word in words)
    total = len(documents)

    def weight(word: str) -> float:
        return math.log((1 + total) / (1 + frequency[word])) + 1.0

    whole = sum(weight(word) for word, _ in query)
    scored = []
    for past, words in zip(history, documents, strict=True):
        found = 0.0
        for word, core in query:
            if word in words:
                found += weight(word)
            elif core in words:
                found += PART * weight(word)
        similarity = found / whole
        if similarity >= MIN_SIMILARITY:
            scored.append((similarity, past))
    scored.sort(key=lambda pair: pair[0], reverse=True)

    totals: dict[tuple[str, int], float] = defaultdict(float)
    for similarity, past in scored[:TOP_DIRECTIVES]:
        for agency_id in past.agency_ids:
            totals["agency", agency_id] += similarity
        for group_id in past.group_ids:
            totals["group", group_id] += similarity
    best = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [Suggestion(kind=kind, id=pk, score=round(score, 3)) for (kind, pk), score in best]


def history() -> list[PastDirective]:
    """The recent directives that named an agency or a group (two queries)."""
    named = ResponsibleParty.objects.filter(Q(agency__isnull=False) | Q(group__isnull=False))
    rows = list(
        Directive.objects.active()
        .filter(Exists(named.filter(directive=OuterRef("pk"))))
        .order_by("-created_at", "-pk")
        .values_list("pk", "heading", "text")[:HISTORY]
    )
    agencies: dict[int, list[int]] = defaultdict(list)
    groups: dict[int, list[int]] = defaultdict(list)
    parties = named.filter(directive_id__in=[pk for pk, _, _ in rows])
    for directive_id, agency_id, group_id in parties.values_list("directive_id", "agency_id", "group_id"):
        if agency_id:
            agencies[directive_id].append(agency_id)
        elif group_id:
            groups[directive_id].append(group_id)
    return [
        PastDirective(text=f"{heading} {text}", agency_ids=tuple(agencies[pk]), group_ids=tuple(groups[pk]))
        for pk, heading, text in rows
        if agencies[pk] or groups[pk]
    ]


def suggest_agencies(text: str, *, limit: int = 6) -> list[dict]:
    """Suggestions for ``text`` with the names to show, active agencies and groups only."""
    suggestions = rank(text, history(), limit=limit * 2)
    agency_ids = [s.id for s in suggestions if s.kind == "agency"]
    group_ids = [s.id for s in suggestions if s.kind == "group"]
    agencies = {a.pk: a for a in Agency.objects.active().filter(pk__in=agency_ids)} if agency_ids else {}
    groups = {g.pk: g for g in AgencyGroup.objects.filter(is_active=True, pk__in=group_ids)} if group_ids else {}
    found = []
    for suggestion in suggestions:
        record = (agencies if suggestion.kind == "agency" else groups).get(suggestion.id)
        if record is None:
            continue
        found.append(
            {
                "kind": suggestion.kind,
                "value": suggestion.value,
                "name": record.name,
                "short_name": getattr(record, "short_name", "") or record.name,
                "score": suggestion.score,
            }
        )
    return found[:limit]
