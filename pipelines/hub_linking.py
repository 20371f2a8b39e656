"""One record per organisation: the evidence that two hub records are the same organisation (pure functions; used by
conformed/21_hub_links.py). Rules and their measured precision/recall: docs/geography.md ("Hub links").

Evidence for a pair of records of the same country:
- `name`: equal normalised names (EDIH name or title = JRC title; the EDIH name = the acronym in brackets of the JRC
  title);
- `renaming`: equal after the known renamings of data/taxonomy/hub_renamings.csv ("Mittelstand 4.0-Kompetenzzentrum
  Hamburg" → "Mittelstand-Digital Zentrum Hamburg");
- `website`: the same site (host + first path segment) that belongs to one record only in each catalogue;
- `address`: the same street and house number (letters the JRC scraper dropped tolerated) in the same NUTS 3 region;
- `similar_name`: name similarity (difflib ratio of the normalised names ≥ SIMILAR_NAME; ≥ SUPPORTING_NAME when
  another piece of evidence supports it);
- `domain`: the same registered domain (weak: institutes host several hubs; only supporting evidence).
A pair is linked when DECIDE says so; `confidence` is 'high' or 'medium'."""
from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from . import placement as pl
from .errors import InputFileError

SIMILAR_NAME = 0.88  # alone: a near-identical name
SUPPORTING_NAME = 0.6  # with a shared address or domain
ADDRESS_NAME = 0.3  # a shared street address needs at least a little name overlap (one institute, several hubs)
GENERIC_NAME_WORDS = {"hub", "innovation", "digital", "centre", "center", "cluster", "of", "for", "and", "the",
                      "european", "network", "association", "institute", "university", "technology", "technologies",
                      "research", "park", "science", "smart", "de", "la", "di", "del", "des", "en", "und", "fur",
                      "for", "platform", "competence", "industry", "business", "s", "a"}


@dataclass
class Renaming:
    pattern: re.Pattern
    replacement: str
    note: str


def load_renamings(path: Path) -> list[Renaming]:
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            try:
                out.append(Renaming(re.compile(row["pattern"], re.IGNORECASE), row["replacement"], row["note"]))
            except re.error as e:
                raise InputFileError(f"{path}:{line}: bad pattern {row['pattern']!r}: {e}") from e
    return out


def canonical_name(name: str | None, renamings: list[Renaming]) -> str | None:
    """The name under its current form when a known renaming applies ("mittelstand digital zentrum hamburg"), else
    None."""
    if not name:
        return None
    for r in renamings:
        if r.pattern.search(name):
            return pl.hub_name_key(r.pattern.sub(r.replacement, name))
    return None


def registered_domain(url: str | None) -> str | None:
    """The registered domain of a website ("digitalzentrum-hamburg.de", "upm.es"); None for generic hosts."""
    url = pl.clean_website(url)
    if not url:
        return None
    if "://" not in url:
        url = "http://" + url
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    labels = [x for x in host.split(".") if x and x != "www"]
    if len(labels) < 2:
        return None
    second_level = labels[-2] in {"co", "com", "org", "ac", "gov", "edu", "net"} or \
        (labels[-1] == "it" and len(labels[-2]) == 2)  # Italian province domains (bz.it, tn.it)
    n = 3 if len(labels) >= 3 and second_level else 2
    domain = ".".join(labels[-n:])
    return None if domain in pl._GENERIC_HOSTS or host in pl._GENERIC_HOSTS else domain


_STREET_END = re.compile(r"(strasse|strase|strae|stra|str|straat|gasse|gase|weg|platz|plaz|laan|vej|gatan|katu)\b")


def street_keys(address: str | None) -> set[str]:
    """Keys of the address parts that name a street with a house number: letters and number without spaces, German
    street endings unified ("Otto-Berndt-Strae 2" = "Otto-Berndt-Straße 2" → "ottoberndtstr2")."""
    keys = set()
    if not isinstance(address, str):
        return keys
    for part in re.split(r"[,;]", address):
        key = pl.place_key(part.translate(pl._GERMAN_TRANSLIT)) if part else ""
        key = key.replace("ae", "a").replace("oe", "o").replace("ue", "u")
        key = _STREET_END.sub("str", key)
        m = re.fullmatch(r"([a-z ]{4,}?) ?(\d+[a-z]?)(?: \d+[a-z]?)?", key)
        if m:
            keys.add(m.group(1).replace(" ", "") + m.group(2))
        m = re.fullmatch(r"(\d+[a-z]?) ([a-z][a-z ]{3,})", key)  # "6 rue du carbone"
        if m:
            keys.add(m.group(2).replace(" ", "") + m.group(1))
    return keys


def same_street(a: set[str], b: set[str]) -> str | None:
    for x in sorted(a):  # sorted: the evidence names the same street key in every build
        for y in sorted(b):
            if x == y:
                return x
            nx, ny = re.sub(r"\D", "", x), re.sub(r"\D", "", y)
            lx, ly = re.sub(r"\d", "", x), re.sub(r"\d", "", y)
            if nx == ny and (pl.is_dropped_letters_of(lx, ly, 3) or pl.is_dropped_letters_of(ly, lx, 3)):
                return x if len(x) >= len(y) else y
    return None


def _unglue(word: str) -> str:
    """"azoresdih" → "azores", "ptcentrodih" → "ptcentro": hub words glued to a name."""
    return re.sub(r"(?<=[a-z0-9]{4})(?:e?dih|hub)$", "", word)


def distinctive(name: str, series_words: frozenset[str] = frozenset()) -> str:
    """The words of a normalised name that tell hubs apart: without generic hub words and without the words of a
    series of hubs ("mittelstand digital zentrum", "parsec hub", "catapult": words of SERIES_MIN names or more in
    several NUTS 2 regions)."""
    words = (_unglue(w) for w in name.split())
    return " ".join(w for w in words if w not in GENERIC_NAME_WORDS and w not in series_words)


SERIES_MIN = 3  # a word in this many hub names or more is a series word


_PREFIXES: dict[int, frozenset[str]] = {}


def _prefixes(place_words: frozenset[str]) -> frozenset[str]:
    key = id(place_words)
    if key not in _PREFIXES:
        _PREFIXES.clear()
        _PREFIXES[key] = frozenset(w[:6] for w in place_words if len(w) >= 6)
    return _PREFIXES[key]


def is_place(words: str, place_words: frozenset[str]) -> bool:
    """True when every word is a place word (or begins like one: "bohemian" ~ "bohemia")."""
    ws = words.split()
    if not ws or not place_words:
        return False
    prefixes = _prefixes(place_words)
    return all(w in place_words or (len(w) >= 6 and w[:6] in prefixes) for w in ws)


def name_similarity(a: str, b: str, series_words: frozenset[str] = frozenset(),
                    place_words: frozenset[str] = frozenset()) -> float:
    """Similarity of two normalised names from their distinctive words: difflib ratio, or 0.9 when every
    distinctive word of one (at least one word of 4+ letters) is a word of the other ("AIR4S" and "AIR4S -
    Artificial Intelligence & Robotics for …"). Names with no distinctive word: the ratio of the whole names."""
    if not a or not b:
        return 0.0
    plain_a, plain_b = distinctive(a), distinctive(b)  # generic words dropped, series words kept
    if is_place(plain_a, place_words) or is_place(plain_b, place_words):  # "Emilia-Romagna": where, not who
        return 0.0
    da, db = distinctive(a, series_words), distinctive(b, series_words)
    if is_place(da, place_words) or is_place(db, place_words):  # "Silesia [Smart Systems]": keep the series words
        da, db = plain_a, plain_b
    if not da or not db:
        if da or db:
            return 0.0
        da, db = a, b
    m = difflib.SequenceMatcher(None, da, db)
    ratio = m.ratio() if m.real_quick_ratio() >= 0.5 and m.quick_ratio() >= 0.5 else 0.0
    wa, wb = set(da.split()), set(db.split())
    short, long_ = (wa, wb) if len(da) <= len(db) else (wb, wa)
    if short <= long_ and any(len(w) >= 4 and w not in place_words for w in short):
        ratio = max(ratio, 0.9)
    return ratio


@dataclass
class Record:
    hub_id: str
    source: str
    country_code: str | None
    names: list[str]  # normalised name keys (name, title)
    acronym: str | None
    site: str | None
    domain: str | None
    streets: set[str]
    nuts3: str | None
    nuts2: str | None
    canonical: str | None


@dataclass
class Evidence:
    kinds: dict[str, str] = field(default_factory=dict)  # kind → words
    similarity: float = 0.0
    same_region: bool = True  # same NUTS 2 region (or one record unplaced)


def pair_evidence(a: Record, b: Record, unique_sites: set[str], series_words: frozenset[str] = frozenset(),
                  place_words: frozenset[str] = frozenset()) -> Evidence:
    ev = Evidence()
    for na in a.names:
        for nb in b.names:
            if na and na == nb:
                if all(w in place_words for w in na.split()):  # "EDIH Lombardia" = "DIH Lombardia": a place only
                    ev.kinds.setdefault("place_name", f"same name '{na}', but it is only a place name")
                else:
                    ev.kinds.setdefault("name", f"same normalised name '{na}'")
    for x, y in ((a, b), (b, a)):
        if x.acronym and x.acronym in y.names:
            ev.kinds.setdefault("name", f"name '{x.acronym}' = the acronym in brackets of the other's title")
    if a.canonical and a.canonical == b.canonical:
        ev.kinds["renaming"] = f"same name after a known renaming: '{a.canonical}'"
    elif a.canonical and a.canonical in b.names or b.canonical and b.canonical in a.names:
        ev.kinds["renaming"] = f"same name after a known renaming: '{a.canonical or b.canonical}'"
    if a.site and a.site == b.site and a.site in unique_sites:
        ev.kinds["website"] = f"same website {a.site}"
    elif a.domain and a.domain == b.domain:
        ev.kinds["domain"] = f"same web domain {a.domain}"
    street = same_street(a.streets, b.streets)
    if street and (a.nuts3 and a.nuts3 == b.nuts3 or not (a.nuts3 and b.nuts3) and a.nuts2 and a.nuts2 == b.nuts2):
        ev.kinds["address"] = f"same street address '{street}' in {a.nuts3 or a.nuts2}"
    ev.similarity = max((name_similarity(na, nb, series_words, place_words) for na in a.names for nb in b.names),
                        default=0.0)
    ev.same_region = bool(a.nuts2 and a.nuts2 == b.nuts2) or not (a.nuts2 and b.nuts2)
    if ev.similarity >= SUPPORTING_NAME:
        ev.kinds["similar_name"] = f"name similarity {ev.similarity:.2f}"
    return ev


def decide(ev: Evidence, same_catalogue: bool = False) -> str | None:
    """'high' | 'medium' | None (not the same organisation). Two records of the same catalogue need name evidence
    (an institute's website and address host several of its hubs)."""
    k = ev.kinds
    if same_catalogue:
        if "name" in k or "renaming" in k:
            return "high"
        if ("website" in k or "address" in k or "domain" in k) and ev.similarity >= SIMILAR_NAME:
            return "high" if "website" in k or "address" in k else "medium"
        return None
    if "name" in k or "renaming" in k or "website" in k:
        return "high"
    if "address" in k and ev.similarity >= SUPPORTING_NAME:
        return "high"
    if "place_name" in k and ("address" in k or "domain" in k):
        return "medium"
    if ev.similarity >= SIMILAR_NAME and ev.same_region:
        return "medium"
    if "domain" in k and ev.similarity >= SUPPORTING_NAME:
        return "medium"
    if "address" in k and "domain" in k and ev.similarity >= ADDRESS_NAME:
        return "medium"
    return None


def decide_v1(ev: Evidence) -> str | None:
    """The method-1.0 rule (name and/or unique website), kept to measure the change."""
    return "high" if ("name" in ev.kinds or "website" in ev.kinds) else None


def method_label(ev: Evidence) -> str:
    order = ("name", "place_name", "renaming", "website", "address", "similar_name", "domain")
    return "+".join(k for k in order if k in ev.kinds)


def records(hubs, renamings: list[Renaming]) -> list[Record]:
    """Record per row of a hubs DataFrame (hub_id, source, country_code, name, title, website, address, locality,
    nuts3_code, nuts2_code)."""
    out = []
    for h in hubs.itertuples():
        name = h.name if isinstance(h.name, str) else None
        title = h.title if isinstance(h.title, str) else None
        names = list(dict.fromkeys(k for k in (pl.hub_name_key(name), pl.hub_name_key(title)) if k))
        canon = canonical_name(name, renamings) or canonical_name(title, renamings)
        out.append(Record(h.hub_id, h.source, h.country_code if isinstance(h.country_code, str) else None, names,
                          pl.acronym_in_brackets(title) if h.source == "jrc_2022" else None,
                          pl.website_key(h.website), registered_domain(h.website),
                          street_keys(h.address),
                          h.nuts3_code if isinstance(h.nuts3_code, str) else None,
                          h.nuts2_code if isinstance(h.nuts2_code, str) else None, canon))
    # the EDIH name may be the acronym of a JRC title: give EDIH records their plain name key as an acronym target
    return out


def candidate_pairs(recs: list[Record], same_catalogue: bool, place_words: frozenset[str] = frozenset()
                    ) -> list[tuple[Record, Record, Evidence]]:
    """Every pair of records of the same country with any evidence at all (EDIH × JRC, or two records of the same
    catalogue when `same_catalogue`)."""
    by_country: dict[str, list[Record]] = {}
    for r in recs:
        if r.country_code:
            by_country.setdefault(r.country_code, []).append(r)
    sites: dict[tuple[str, str], int] = {}
    for r in recs:
        if r.site:
            sites[(r.source, r.site)] = sites.get((r.source, r.site), 0) + 1
    series = series_words(recs)
    out = []
    for group in by_country.values():
        blocks: dict[str, list[int]] = {}
        for i, r in enumerate(group):
            for key in _block_keys(r, series):
                blocks.setdefault(key, []).append(i)
        pairs = sorted({(i, j) for members in blocks.values() for x, i in enumerate(members) for j in members[x + 1:]
                        if i != j})
        for i, j in pairs:
            a, b = group[min(i, j)], group[max(i, j)]
            if True:
                if (a.source == b.source) != same_catalogue:
                    continue
                if same_catalogue:
                    unique = {a.site} if a.site and sites.get((a.source, a.site)) == 2 else set()
                else:
                    unique = {a.site} if a.site and sites.get((a.source, a.site)) == 1 and \
                        sites.get((b.source, a.site)) == 1 else set()
                ev = pair_evidence(a, b, unique, series, place_words)
                if ev.kinds:
                    e, j = (a, b) if a.source <= b.source else (b, a)
                    out.append((e, j, ev))
    return out


def series_words(recs: list[Record]) -> frozenset[str]:
    """Words of SERIES_MIN or more names in at least two NUTS 2 regions ("parsec", "mittelstand", "catapult"), not
    the name of one organisation with several records in one place ("innomine", "ip4fvg")."""
    counts: dict[str, int] = {}
    regions: dict[str, set] = {}
    for r in recs:
        for w in {_unglue(w) for n in r.names for w in n.split()}:
            counts[w] = counts.get(w, 0) + 1
            regions.setdefault(w, set()).add(r.nuts2)
    return frozenset(w for w, n in counts.items() if n >= SERIES_MIN and len(regions[w] - {None}) >= 2)


def _block_keys(r: Record, series: frozenset[str]) -> set[str]:
    """Keys two records must share to be compared at all: a distinctive name word (or its first 4 letters), the
    site, the domain, a street key, the canonical name."""
    keys = {f"w:{w[:4]}" for n in r.names for w in distinctive(n, series).split() if len(w) >= 3}
    keys |= {f"n:{n}" for n in r.names} | {f"s:{k}" for k in r.streets}
    keys |= {f"n:{r.acronym}"} if r.acronym else set()
    for k, v in (("site", r.site), ("dom", r.domain), ("n", r.canonical)):
        if v:
            keys.add(f"{k}:{v}")
    # a street key without its letters' vowels: survives letters the JRC scraper dropped
    keys |= {"s:" + re.sub(r"[aeiouy]", "", k) for k in r.streets}
    keys |= {f"w:{w[:4]}" for n in r.names for w in n.split() if len(w) >= 3 and not distinctive(n, series)}
    return keys
