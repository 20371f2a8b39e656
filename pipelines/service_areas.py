"""Served areas of hubs from their own words (pure functions; the step is conformed/24_hub_service_areas.py).

Rules (docs/geography.md, "Served areas"):
- `national`: the description declares national scope in one of the phrases of NATIONAL_PATTERNS ("covers the whole
  Finland", "national coverage", "nationwide", "across Portugal", "AI MAGISTER is a Candidate EDIH for Italy with
  national scope"). `national` is not read from words such as "national strategy" or "national and European level".
- `declared`: in a sentence that speaks about the hub's territory (SERVICE_CUE: covers, serves, region of, provinces
  of, metropolitan region, nodes in, …) a run of capitalised words equal to a name of a NUTS 2021 region (levels 1-3;
  Latin and local names, the English names of data/taxonomy/region_name_variants.csv) or, after an explicit place
  cue ("region of X", "metropolitan region of X", "nodes in X"), of a GeoNames place of the hub's country.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .placement import place_key

# --- national scope --------------------------------------------------------------------------------------------
# {country} is replaced by an alternation of the hub's country names and adjectives (COUNTRY_WORDS)
NATIONAL_PATTERNS = [
    r"\b(?:cover(?:s|ing)?|serv(?:e|es|ing)|reach(?:es|ing)?|operat(?:e|es|ing)|active|services? (?:are )?(?:offered|"
    r"available|provided)|assistance will be offered|present|presence)\b[^.;]{0,60}?\b(?:the )?(?:whole|entire|all "
    r"(?:of )?(?:the )?)(?: of)?(?: the)? (?:{country})\b",
    r"\b(?:whole|entire) (?:of )?(?:the )?(?:{country}) (?:territory|geographical area)\b",
    r"\b(?:whole|entire) country\b",
    r"\bnational(?:-wide)? (?:geographical )?(?:scope|coverage|reach|catchment)\b",
    r"\bwith (?:a )?(?:broad |full )?national (?:scope|coverage)\b",
    r"\bnationwide (?:coverage|scope|reach|network of|system of services|presence)\b",
    r"\b(?:catchment area|operations?|activities|services?)[^.;]{0,40}\b(?:national territory|across (?:{country})\b|"
    r"throughout (?:{country})\b)",
    r"\b(?:assistance|services?|support)[^.;]{0,40}\b(?:across|throughout) (?:the whole of |the whole |all of )?"
    r"(?:{country})\b",
    r"\bacross the whole of (?:{country})\b",
    r"\bfocused across (?:{country})\b",
    r"\b(?:is|as) a national (?:e?dih|hub|digital innovation hub|non-profit one-stop-shop)\b",
    r"\bnationwide (?:adoption|coverage)\b",
    r"\b(?:both|all) (?:the )?NUTS ?-?2 regions of (?:{country})\b",
    r"\bpresence in (?:almost |nearly )?all (?:the )?(?:{country}) regions\b",
    r"\b(?:{country})['’]s national (?:technology centre|technology center|centre|center|hub|e?dih)\b",
    r"\bthroughout the national territory\b",
    r"\b(?:locations|offices|branches|nodes|antennas|spokes|access points|points of presence|presence) "
    r"(?:all )?(?:across|throughout) (?:the whole of )?(?:{country})\b",
    r"\b(?:free of charge|services?|support)[^.;]{0,40}\bthroughout (?:the whole of )?(?:{country})\b",
]

COUNTRY_WORDS: dict[str, list[str]] = {
    "AT": ["Austria", "Austrian"], "BE": ["Belgium", "Belgian"], "BG": ["Bulgaria", "Bulgarian"],
    "HR": ["Croatia", "Croatian"], "CY": ["Cyprus", "Cypriot"], "CZ": ["Czechia", "Czech Republic", "Czech"],
    "DK": ["Denmark", "Danish"], "EE": ["Estonia", "Estonian"], "FI": ["Finland", "Finnish"],
    "FR": ["France", "French"], "DE": ["Germany", "German"], "EL": ["Greece", "Greek"],
    "HU": ["Hungary", "Hungarian"], "IE": ["Ireland", "Irish"], "IT": ["Italy", "Italian"],
    "LV": ["Latvia", "Latvian"], "LT": ["Lithuania", "Lithuanian"], "LU": ["Luxembourg", "Luxembourgish"],
    "MT": ["Malta", "Maltese"], "NL": ["Netherlands", "the Netherlands", "Dutch"], "PL": ["Poland", "Polish"],
    "PT": ["Portugal", "Portuguese"], "RO": ["Romania", "Romanian"], "SK": ["Slovakia", "Slovak"],
    "SI": ["Slovenia", "Slovenian"], "ES": ["Spain", "Spanish"], "SE": ["Sweden", "Swedish"],
    "NO": ["Norway", "Norwegian"], "IS": ["Iceland", "Icelandic"], "LI": ["Liechtenstein"],
    "RS": ["Serbia", "Serbian"], "ME": ["Montenegro", "Montenegrin"], "MK": ["North Macedonia", "Macedonian"],
    "AL": ["Albania", "Albanian"], "TR": ["Türkiye", "Turkey", "Turkish"], "CH": ["Switzerland", "Swiss"],
    "UA": ["Ukraine", "Ukrainian"], "XK": ["Kosovo"], "BA": ["Bosnia and Herzegovina", "Bosnia"], "IL": ["Israel"],
    "UK": ["United Kingdom", "British"],
}


def _country_alternation(country_code: str) -> str:
    words = COUNTRY_WORDS.get(country_code, [])
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or r"(?!x)x"


def national_declaration(text: str | None, country_code: str | None, hub_names: tuple[str, ...] = ()) -> str | None:
    """The words declaring national scope (with a little context), or None. A scope stated of another organisation
    ("INCIBE has a national scope" in a consortium's description) is not the hub's: when the words follow
    "<Name> has" and the name is not one of `hub_names`, they are skipped."""
    if not text or not country_code:
        return None
    alt = _country_alternation(country_code)
    own = {place_key(n) for n in hub_names if n} | {"it", "the hub", "hub", "we", "edih", "dih", "the edih"}
    for pattern in NATIONAL_PATTERNS:
        for m in re.finditer(pattern.replace("{country}", alt), text, flags=re.IGNORECASE):
            subject = re.search(r"([A-Z][\w.\-]*(?: [A-Z][\w.\-]*)*) (?:has|have)(?: an?)?(?: broad| wide| full)?\s*$",
                                text[max(0, m.start() - 80):m.start()])
            if subject and place_key(subject.group(1)) not in own and not any(
                    place_key(subject.group(1)) in k or k in place_key(subject.group(1)) for k in own if len(k) > 3):
                continue
            return quote(text, m.start(), m.end())
    return None


def quote(text: str, start: int, end: int, context: int = 40) -> str:
    """The matched words with up to `context` characters either side, on one line."""
    a, b = max(0, start - context), min(len(text), end + context)
    snippet = " ".join(text[a:b].split())
    return ("…" if a > 0 else "") + snippet + ("…" if b < len(text) else "")


# --- declared places -------------------------------------------------------------------------------------------
SERVICE_CUE = re.compile(
    r"\b(cover(?:s|ing|ed|age)?|serv(?:e|es|ing|ed)|operat(?:e|es|ing) (?:in|across|throughout|on)|"
    r"active (?:in|across|throughout)|catchment|territor(?:y|ies|ial)|regions? of|provinces? of|count(?:y|ies) of|"
    r"metropolitan|whole|entire|throughout|across|all over|nodes?|antenna[es]?|branch(?:es)?|offices? in|"
    r"spokes?|points? of presence|present in|presence in|area of|areas of|for the [^.;]{0,40}region|"
    r"region|regions|province|provinces|voivode?ships?|county|counties|land|länder|bundesland)\b", re.IGNORECASE)

# a run of capitalised words right after one of these cues names a place (used for gazetteer places and for
# the "unknown place" rule)
PLACE_CUE = re.compile(
    r"\b(?:(?:metropolitan |administrative |economic |NUTS ?[123] )?regions? of|provinces? of|count(?:y|ies) of|"
    r"voivodeships? of|"
    r"nodes? in|antennas? in|branch(?:es)? in|offices? in|covers?|covering|serves?|serving)\s+(?:the\s+)?",
    re.IGNORECASE)

# single words that are NUTS names somewhere but, written in an English text, nearly always mean something else
NAME_STOPWORDS = {
    "centre", "centro", "center", "nord", "sud", "est", "ouest", "west", "east", "north", "south", "mitte", "isole",
    "land", "region", "city", "stadt", "kreis", "island", "islands", "highlands", "border", "midlands", "west",
    "europe", "union", "digital", "innovation", "industry", "energy", "health", "smart", "green", "network",
    "capital", "central", "mid", "upper", "lower", "inner", "outer", "lake", "coast", "valley", "marche", "molise",
    "salzburg umgebung", "oder", "main", "sur", "do", "de", "la", "le", "el", "al", "an", "am", "aan",
    "agri", "southern", "northern", "eastern", "western", "south east", "south west", "north east", "north west",
    "loire", "york", "european", "mediterranean", "atlantic", "alps", "danube", "baltic", "nuts",
    "federal state", "nuts2 region", "nuts 2 region", "nuts2", "state", "republic", "eu", "trl",
}

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


@dataclass(frozen=True)
class Place:
    nuts_code: str  # NUTS 2021 code the name stands for (levels 0-3)
    level: int
    country_code: str
    source: str  # 'nuts_name' | 'name_variant' | 'gazetteer'
    name: str  # the name as written in the source


@dataclass(frozen=True)
class Mention:
    words: str  # the words of the text
    start: int
    end: int
    places: tuple[Place, ...]  # every place of that name (several countries or levels possible)
    cue: str  # 'service_sentence' | 'place_cue'
    whole: bool = False  # preceded by "whole", "entire", "all over", "throughout", "across": the whole region


WHOLE_CUE = re.compile(r"\b(?:whole|entire|all over|throughout|across|all of)(?: the| of)*\s*$", re.IGNORECASE)


def name_keys(name: str) -> set[str]:
    """Keys of a region name: the whole name and each part of a bilingual "A/B" or "A — B" name."""
    parts = {name} | {p for p in re.split(r"\s*/\s*|\s+[—–-]\s+", name) if p}
    keys = set()
    for part in parts:
        part = re.sub(r"\((?:[A-Z]{2}|NUTS ?\d)\)", " ", part)  # "Prov. Limburg (BE)", "Centro (PT)"
        part = re.sub(r"^\s*(?:Prov\.|Provincia Autonoma di|Provincia di|Provincie|Région de|Region)\s+", "", part)
        part = re.sub(r",\s*(?:Kreisfreie Stadt|Landkreis|Stadtkreis|Statutarstadt|Stadt)\s*$", "", part)
        keys.add(place_key(part))
        if re.search(r"s län$", part):  # "Östergötlands län" → "Östergötland"
            keys.add(place_key(part[:-5]))
    return {k for k in keys if k and len(k) >= 3}


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; a sentence ends at . ! ? ; or a line break."""
    out, start = [], 0
    for m in re.finditer(r"(?<=[.!?;])\s+|\n+", text):
        out.append((start, text[start:m.start()]))
        start = m.end()
    out.append((start, text[start:]))
    return [(o, s) for o, s in out if s.strip()]


def find_mentions(text: str | None, names: dict[str, list[Place]], places_for_cue: dict[str, list[Place]],
                  max_words: int = 6, title_length: int = 0) -> list[Mention]:
    """Place names in the sentences of `text` that speak about the hub's territory.

    `names`: NUTS-name keys → places (matched in any service sentence); `places_for_cue`: gazetteer keys → places
    (matched only in a run of capitalised words right after a PLACE_CUE). Longest runs first, no overlaps; a run must
    start with a capital letter. The first `title_length` characters (the hub's name and title: a hub named after a
    region serves it) count as a sentence about the territory whatever their words."""
    if not text:
        return []
    out: list[Mention] = []
    pieces = ([(0, text[:title_length])] + [(title_length + o, x) for o, x in sentences(text[title_length:])]
              if title_length else sentences(text))
    for offset, sent in pieces:
        if not (offset < title_length or SERVICE_CUE.search(sent)):
            continue
        cue_spans = [m.end() for m in PLACE_CUE.finditer(sent)]
        tokens = [t for m in _WORD.finditer(sent) for t in _split_glued(m.start(), m.group(0))]
        taken = [False] * len(tokens)
        for n in range(min(max_words, len(tokens)), 0, -1):
            for i in range(0, len(tokens) - n + 1):
                if any(taken[i:i + n]) or not tokens[i][2][:1].isupper():
                    continue
                # a run may not jump over punctuation other than hyphens, apostrophes and spaces
                a, b = tokens[i][0], tokens[i + n - 1][1]
                if re.search(r"[^\w\s\-'’]", sent[a:b]):
                    continue
                key = place_key(" ".join(t[2] for t in tokens[i:i + n]))
                if key in NAME_STOPWORDS:
                    continue
                after_cue = _after_cue(sent, a, cue_spans)
                hits = [p for p in names.get(key, []) if p.level <= 2 or after_cue]
                cue = "place_cue" if after_cue else "service_sentence"
                if not hits and key in places_for_cue and after_cue:
                    hits = list(places_for_cue[key])
                if hits and _inside_proper_name(sent, a, b):
                    continue
                if hits:
                    whole = bool(WHOLE_CUE.search(sent[max(0, a - 30):a]))
                    out.append(Mention(sent[a:b], offset + a, offset + b, tuple(hits), cue, whole))
                    for k in range(i, i + n):
                        taken[k] = True
    return sorted(out, key=lambda m: m.start)


_NAME_CUE_WORDS = {"region", "regions", "province", "provinces", "county", "state", "land", "metropolitan", "greater",
                   "the", "in", "of", "and", "for", "voivodeship", "voivodeships", "regione", "provincia", "región"}


def _inside_proper_name(sent: str, a: int, b: int) -> bool:
    """True when the run at [a, b) sits between two capitalised words of a longer proper name ("Pôle Mer Bretagne
    Atlantique", "Fraunhofer Portugal Research"), which names an organisation, not a territory."""
    before = re.search(r"([^\W\d_]+) $", sent[:a])
    after = re.match(r" ([^\W\d_]+)", sent[b:])
    return bool(before and after and before.group(1)[:1].isupper() and after.group(1)[:1].isupper()
                and before.group(1).lower() not in _NAME_CUE_WORDS and after.group(1).lower() not in _NAME_CUE_WORDS)


_GLUED = re.compile(r"(?<=[a-zäöüåéèáíóúñçøæ]{3})(?=[A-ZÄÖÜÅÉ][a-zäöüåéèáíóúñçøæ]{3})")


def _split_glued(start: int, word: str) -> list[tuple[int, int, str]]:
    """A word with names glued together by a lost space ("NorthDenmark", "VästraGötaland") as its parts, offsets
    kept; other words (acronyms, "CeADAR", "eHub") as they are."""
    cuts = [0] + [m.start() for m in _GLUED.finditer(word)] + [len(word)]
    return [(start + a, start + b, word[a:b]) for a, b in zip(cuts, cuts[1:])]


def _after_cue(sent: str, start: int, cue_ends: list[int]) -> bool:
    """True when the run at `start` follows a place cue, possibly as a later member of a list of names
    ("provinces of Utrecht, Noord-Holland and Flevoland", "Hanover-Braunschweig-Göttingen-Wolfsburg")."""
    for end in cue_ends:
        if end <= start and re.fullmatch(r"[\w\s\-'’,]*?(?:,|and|&|-|\s)*", sent[end:start]) and \
                start - end <= 120 and not re.search(r"\b(?:with|for|by|to|which|that|in)\b", sent[end:start]):
            return True
    return False


def unknown_places(text: str | None, known: set[str], mentions: list[Mention] = ()) -> list[tuple[str, int, int]]:
    """Capitalised runs right after a PLACE_CUE that no name list knows and no mention covers: (words, start, end)."""
    if not text:
        return []
    out = []
    for m in PLACE_CUE.finditer(text):
        if any(x.start <= m.end() < x.end for x in mentions):
            continue
        run = re.match(r"((?:[A-ZÀ-ÖØ-Þ][\w'’\-]*)(?:[ \-](?:[A-ZÀ-ÖØ-Þ][\w'’\-]*))*)", text[m.end():])
        if not run:
            continue
        words = run.group(1)
        key = place_key(words)
        if not key or key in known or key in NAME_STOPWORDS or len(key) < 3 or \
                any(w in NAME_STOPWORDS for w in key.split()) or (words.isupper() and len(words) <= 5):
            continue
        # a partially known run ("Hanover-Braunschweig") is not unknown
        if any(k in known for k in key.split()):
            continue
        out.append((words, m.end(), m.end() + len(words)))
    return out


NUTS_CODE_IN_TEXT = re.compile(r"\bNUTS[ -]?[123]?[ -]?(?:region )?(?:\(|-|:)?\s*([A-Z]{2}[0-9][0-9A-Z]{0,2})\b")


def nuts_codes_in_text(text: str | None) -> list[tuple[str, int, int]]:
    """Explicit NUTS codes ("NUTS-2 region DE94", "NUTS2-RO12"): (code, start, end)."""
    return [(m.group(1), m.start(), m.end()) for m in NUTS_CODE_IN_TEXT.finditer(text or "")]


def most_specific(codes: list[str], whole: set[str] = frozenset()) -> set[str]:
    """The codes without those that contain another code of the list ("Lower Saxony" DE9 next to "Hanover" DE92 and
    "Braunschweig" DE91: the hub says where in the region it works) — except codes in `whole` (written as "the
    whole / all over / across <region>"). `national` rows are kept apart."""
    return {c for c in codes if c in whole or not any(o != c and o.startswith(c) for o in codes)}


# --- measuring the rules on the hand-checked sample -----------------------------------------------------------
def evaluate(predicted: dict[str, dict[str, str]], judged: dict[str, set[str]],
             bases: tuple[str, ...] = ("declared", "national")) -> dict[str, float]:
    """Precision and recall of the served-area rules on a hand-judged sample.

    `predicted`: hub_id → {nuts2_code: basis} (hub_service_nuts2); `judged`: hub_id → the NUTS 2 regions a reader
    judged served. Precision: of the (hub, NUTS 2) pairs the rules claim with one of `bases` (the address rows are not
    claims of the rules), the share a reader judged served. Recall: of the judged pairs beyond the address region,
    the share the rules found (any basis in `bases`)."""
    claimed = correct = wanted = found = 0
    for hub_id, truth in judged.items():
        pred = predicted.get(hub_id, {})
        address = {c for c, b in pred.items() if b == "address"}
        claims = {c for c, b in pred.items() if b in bases}
        claimed += len(claims)
        correct += len(claims & truth)
        beyond = truth - address
        wanted += len(beyond)
        found += len(beyond & claims)
    return {"claimed": claimed, "correct": correct, "precision": correct / claimed if claimed else float("nan"),
            "wanted": wanted, "found": found, "recall": found / wanted if wanted else float("nan")}
