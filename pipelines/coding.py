"""Transparent, deterministic coding of free text (S3 priorities, hub descriptions) to taxonomy domains.

No database here: the conformed steps feed these functions rows from the warehouse and the CSVs of data/taxonomy/
(read and checked by `load_taxonomy`). docs/taxonomy.md explains the method for readers; in short:

1. Keyword rules (data/taxonomy/keyword_rules.csv): curated terms per domain, in English and the languages the
   titles use. Text and terms are normalised the same way (lower case, accents stripped, '&' read as 'and'). A
   `prefix` term matches at the start of a word (`energ` → energy, energie, energía), a `word` term only as a whole
   word, a `regex` term is a regular expression on the normalised text, `regex_case` one on the accent-stripped text
   with its case kept (`\\bIT\\b` must not match the pronoun "it"). Terms with scope `priorities` (generic words
   such as "training" or "society") are not used on hub descriptions. The titles (English and original) are read
   first; the description counts only when the titles give no domain.
2. NACE divisions (Czech regional domains): the first NACE_TOP_N divisions listed, through crosswalk_nace_divisions,
   confirm keyword domains and code the priority when no keyword matched.
3. Text-similarity fallback, only for a priority with no keyword or NACE hit: TF-IDF cosine between the priority
   text and each domain's document (label + description + all its keyword terms, so it is multilingual); tokens
   are cut to their first STEM_LENGTH characters. The best domain is kept if its cosine ≥ SIMILARITY_MIN, and any
   other domain within SIMILARITY_RELATIVE of the best.
4. Overrides (data/taxonomy/priority_overrides.csv) win: `add` adds a domain, `remove` drops one.

Weights: every link gets a raw score — keyword: TITLE_POINTS per distinct term found in the title or the original
title, DESCRIPTION_POINTS per distinct term found only in the description; NACE: NACE_POINTS per listed division;
similarity: the cosine; override add: the highest raw score of the priority (1.0 if it has none) — and the scores of
a priority are divided by their sum, so its weights sum to 1.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np

MATCH_KINDS = ("prefix", "word", "regex", "regex_case")
SCOPES = ("all", "priorities")
TITLE_POINTS = 2.0
DESCRIPTION_POINTS = 1.0
NACE_POINTS = 1.0
NACE_TOP_N = 3  # the Czech annex lists each domain's divisions most relevant first; the tail is loosely related
STEM_LENGTH = 5
SIMILARITY_MIN = 0.15
SIMILARITY_RELATIVE = 0.8

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


_COMBINING = re.compile(r"[\u0300-\u036f]")


def strip_accents(text: str) -> str:
    """Accents removed (NFKD, combining diacritical marks dropped): 'Energía' → 'Energia', 'υγεία' → 'υγεια'."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def normalise(text: str | None) -> str:
    """Lower case, accents stripped, whitespace collapsed: the form both keyword terms and texts are compared in."""
    if not text:
        return ""
    return re.sub(r"\s+", " ", strip_accents(str(text)).lower().replace("&", " and ")).strip()


def _keep_case(text: str | None) -> str:
    return re.sub(r"\s+", " ", strip_accents(str(text or ""))).strip()


@dataclass(frozen=True)
class KeywordRule:
    domain_code: str
    language: str
    match: str
    term: str
    scope: str = "all"

    def pattern(self) -> str:
        if self.match == "prefix":
            return r"\b" + re.escape(normalise(self.term))
        if self.match == "word":
            return r"\b" + re.escape(normalise(self.term)) + r"\b"
        if self.match == "regex":
            return normalise(self.term)
        if self.match == "regex_case":
            return strip_accents(self.term)
        raise ValueError(f"keyword rule for {self.domain_code} {self.term!r}: unknown match kind {self.match!r}")


_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass
class KeywordCoder:
    """Compiled keyword rules. Plain terms are matched on the word tokens of the normalised text through dictionaries
    (fast: a text is scanned once, whatever the number of rules); the few regex rules run on the whole text."""
    rules: list[KeywordRule]

    def __post_init__(self) -> None:
        self._words: dict[str, set[tuple[str, str]]] = defaultdict(set)  # single-token 'word' terms
        self._prefixes: dict[str, set[tuple[str, str]]] = defaultdict(set)  # single-token 'prefix' terms
        self._phrases: dict[str, list[tuple[tuple[str, ...], bool, str, str]]] = defaultdict(list)  # by first token
        self._regexes: list[tuple[str, str, bool, re.Pattern, str]] = []
        self._memo: dict[str, dict[str, tuple[str, ...]]] = {}
        for rule in self.rules:
            if rule.scope not in SCOPES:
                raise ValueError(f"keyword rule {rule.domain_code} {rule.term!r}: unknown scope {rule.scope!r}")
            key = (rule.domain_code, rule.scope)
            if rule.match in ("regex", "regex_case"):
                try:
                    compiled = re.compile(rule.pattern())
                except re.error as exc:
                    raise ValueError(f"keyword rule {rule.domain_code} {rule.term!r}: bad pattern ({exc})") from exc
                self._regexes.append((rule.domain_code, rule.scope, rule.match == "regex_case", compiled,
                                      _literal_needle(rule.pattern())))
                continue
            if rule.match not in MATCH_KINDS:
                raise ValueError(f"keyword rule {rule.domain_code} {rule.term!r}: unknown match kind {rule.match!r}")
            toks = tuple(_TOKEN.findall(normalise(rule.term)))
            if not toks:
                raise ValueError(f"keyword rule {rule.domain_code} {rule.term!r}: no word in the term")
            if len(toks) == 1:
                (self._prefixes if rule.match == "prefix" else self._words)[toks[0]].add(key)
            else:
                self._phrases[toks[0]].append((toks[1:], rule.match == "prefix", rule.domain_code, rule.scope))

    @property
    def domain_codes(self) -> list[str]:
        return sorted({rule.domain_code for rule in self.rules})

    def _token_domains(self, token: str, scope: str) -> tuple[str, ...]:
        """Domains whose single-word terms match this token (memoised per scope: tokens repeat across texts)."""
        memo = self._memo.setdefault(scope, {})
        hits = memo.get(token)
        if hits is None:
            found = set(self._words.get(token, ()))
            for k in range(1, len(token) + 1):
                found |= self._prefixes.get(token[:k], frozenset())
            hits = memo[token] = tuple(sorted({d for d, s in found if scope == "priorities" or s == "all"}))
        return hits

    def spans(self, text: str | None, scope: str = "priorities") -> list[tuple[int, int, str, str]]:
        """Every rule hit in one text as (start, end, domain, matched words), offsets in the normalised text, before
        overlapping hits are resolved."""
        lowered = normalise(text)
        if not lowered:
            return []
        usable = SCOPES if scope == "priorities" else ("all",)
        tokens_at = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(lowered)]
        toks = [t for t, _, _ in tokens_at]
        memo = self._memo.setdefault(scope, {})
        out: list[tuple[int, int, str, str]] = []
        for tok, start, end in tokens_at:
            hits = memo.get(tok)  # the memo read inline: most tokens were seen before and match nothing
            for domain in hits if hits is not None else self._token_domains(tok, scope):
                out.append((start, end, domain, tok))
        phrases = self._phrases
        for i in [i for i, tok in enumerate(toks) if tok in phrases]:
            for rest, last_is_prefix, domain, rule_scope in phrases[toks[i]]:
                if rule_scope not in usable:
                    continue
                following = toks[i + 1:i + 1 + len(rest)]
                if len(following) < len(rest) or list(following[:-1]) != list(rest[:-1]):
                    continue
                if following[-1] == rest[-1] or (last_is_prefix and following[-1].startswith(rest[-1])):
                    start, end = tokens_at[i][1], tokens_at[i + len(rest)][2]
                    out.append((start, end, domain, lowered[start:end]))
        if self._regexes:
            cased = _keep_case(text) if any(case and needle in text for _, _, case, _, needle in self._regexes) else ""
            for domain, rule_scope, case_sensitive, regex, needle in self._regexes:
                target = cased if case_sensitive else lowered
                if rule_scope not in usable or needle not in target:  # cheap substring test before the regex
                    continue
                for m in regex.finditer(target):
                    end = _word_end(target, m.end())
                    out.append((m.start(), end, domain, target[m.start():end].lower().strip(" -")))
        return out

    def matches(self, text: str | None, scope: str = "priorities") -> dict[str, list[str]]:
        """Domain → distinct matched words (normalised, whole words) in one text. scope 'priorities' uses every
        rule, scope 'all' (hub descriptions) only the rules whose scope is 'all'.

        Overlapping hits are resolved leftmost-longest: a hit inside or overlapping a longer (or earlier) hit does not
        count, so 'welfare technology' (health) silences 'welfare' (social), and 'boat-building' (maritime)
        silences 'building industry' (construction). Rules for the very same words all count: a phrase that belongs
        to two domains is listed under both ('e-health': health and digital)."""
        found: dict[str, set[str]] = defaultdict(set)
        for _, _, domain, word in resolve_overlaps(self.spans(text, scope)):
            found[domain].add(word)
        return {d: sorted(ws) for d, ws in sorted(found.items())}


def resolve_overlaps(hits: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Leftmost-longest selection of (start, end, domain, word) hits: spans are taken by start, longest first; a span
    overlapping one already taken is dropped unless it is exactly the same span (one phrase, several domains)."""
    kept_spans: set[tuple[int, int]] = set()
    taken_end = -1
    for start, end in sorted({(h[0], h[1]) for h in hits}, key=lambda se: (se[0], -(se[1] - se[0]))):
        if start >= taken_end:
            kept_spans.add((start, end))
            taken_end = end
    return [h for h in hits if (h[0], h[1]) in kept_spans]


def _literal_needle(pattern: str) -> str:
    """The longest literal run a regex needs (lookarounds and \\b removed), used as a fast pre-filter."""
    core = re.sub(r"\(\?<?[!=][^)]*\)", "", pattern).replace("\\b", "")
    core = re.sub(r"\([^()]*\|[^()]*\)", "", core)  # alternatives are not required
    runs = re.findall(r"[^\\()|?*+.\[\]{}^$]+", core)
    return max(runs, key=len).strip() if runs else ""


def _word_end(text: str, end: int) -> int:
    """The end of the word a match ends in (so evidence reads 'energetika', not 'energ')."""
    while end < len(text) and (text[end].isalnum() or text[end] == "-"):
        end += 1
    return end


def load_rules(records: Iterable[Mapping[str, str]], known_domains: set[str] | None = None) -> KeywordCoder:
    rules = []
    for i, r in enumerate(records, start=2):
        rule = KeywordRule(r["domain_code"], r.get("language") or "", r.get("match") or "prefix", r["term"],
                           r.get("scope") or "all")
        if rule.match not in MATCH_KINDS:
            raise ValueError(f"keyword_rules.csv line {i}: unknown match kind {rule.match!r}")
        if known_domains is not None and rule.domain_code not in known_domains:
            raise ValueError(f"keyword_rules.csv line {i}: unknown domain_code {rule.domain_code!r}")
        if not rule.term.strip():
            raise ValueError(f"keyword_rules.csv line {i}: empty term")
        rules.append(rule)
    return KeywordCoder(rules)


# --- text similarity ----------------------------------------------------------------------------------------------
def tokens(text: str | None) -> list[str]:
    return [w[:STEM_LENGTH] for w in _WORD.findall(normalise(text)) if len(w) >= 3]


@dataclass
class SimilarityIndex:
    """TF-IDF vectors of the domain documents; `best` returns the domains nearest to a text by cosine."""
    domain_codes: list[str]
    vocabulary: dict[str, int]
    idf: np.ndarray
    matrix: np.ndarray  # domains × vocabulary, rows L2-normalised

    @classmethod
    def build(cls, documents: Mapping[str, str]) -> "SimilarityIndex":
        codes = sorted(documents)
        docs = [Counter(tokens(documents[c])) for c in codes]
        vocab = {t: i for i, t in enumerate(sorted({t for d in docs for t in d}))}
        df = np.zeros(len(vocab))
        for d in docs:
            for t in d:
                df[vocab[t]] += 1
        idf = np.log((1 + len(docs)) / (1 + df)) + 1.0
        matrix = np.zeros((len(codes), len(vocab)))
        for row, d in enumerate(docs):
            for t, n in d.items():
                matrix[row, vocab[t]] = (1 + math.log(n)) * idf[vocab[t]]
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix = matrix / np.where(norms == 0, 1, norms)
        return cls(codes, vocab, idf, matrix)

    def similarities(self, text: str | None) -> dict[str, float]:
        counts = Counter(t for t in tokens(text) if t in self.vocabulary)
        if not counts:
            return {}
        vec = np.zeros(len(self.vocabulary))
        for t, n in counts.items():
            vec[self.vocabulary[t]] = (1 + math.log(n)) * self.idf[self.vocabulary[t]]
        vec /= np.linalg.norm(vec)
        sims = self.matrix @ vec
        return {c: float(s) for c, s in zip(self.domain_codes, sims) if s > 0}

    def best(self, text: str | None) -> list[tuple[str, float]]:
        sims = self.similarities(text)
        if not sims:
            return []
        top = max(sims.values())
        if top < SIMILARITY_MIN:
            return []
        return sorted(((c, round(s, 4)) for c, s in sims.items() if s >= SIMILARITY_RELATIVE * top),
                      key=lambda cs: (-cs[1], cs[0]))


def domain_documents(domains: Iterable[Mapping[str, str]], coder: KeywordCoder) -> dict[str, str]:
    """Each domain's document for the similarity fallback: label, description and its plain keyword terms."""
    terms: dict[str, list[str]] = defaultdict(list)
    for rule in coder.rules:
        if rule.match in ("prefix", "word"):
            terms[rule.domain_code].append(rule.term)
    return {d["domain_code"]: " ".join([d["label"], d.get("description") or "", *terms[d["domain_code"]]])
            for d in domains}


# --- coding one priority -------------------------------------------------------------------------------------------
# clauses of a description that speak of the whole strategy, not of this priority: "Cross-cutting: KETs; robotics",
# "service design is a common cross-cutting factor", "transversal to all priorities"
_STRATEGY_WIDE = re.compile(r"^\W*(cross-cutting|transversal|horizontal)\b|cross-cutting factor|"
                            r"(cross-cutting|transversal|horizontal)( \w+)?\s*:|common to all|"
                            r"for all (economic )?sectors")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def priority_description_content(description: str | None) -> str:
    """The description without its strategy-wide part: in each sentence, the clause (split at ';') where a
    strategy-wide marker appears and every clause after it are left out."""
    if not description:
        return ""
    kept = []
    for sentence in _SENTENCE.split(str(description)):
        for clause in sentence.split(";"):
            if _STRATEGY_WIDE.search(normalise(clause)):
                break
            kept.append(clause)
    return "; ".join(c.strip() for c in kept if c.strip())


@dataclass(frozen=True)
class DomainLink:
    domain_code: str
    method: str  # keyword | nace | similarity | override
    evidence: str
    weight: float


@dataclass(frozen=True)
class Override:
    domain_code: str
    action: str  # add | remove
    reason: str


def code_priority(title: str | None, title_original: str | None, description: str | None,
                  coder: KeywordCoder, index: SimilarityIndex | None,
                  nace_divisions: list[str] | None = None, nace_crosswalk: Mapping[str, str] | None = None,
                  overrides: list[Override] | None = None, description_with_title: bool = True) -> list[DomainLink]:
    """Code one priority; returns its domain links with weights summing to 1 (empty list: not coded).
    description_with_title=False reads the description only when the titles give no domain (the Czech annex's
    descriptions, long lists of application fields, are used that way; its NACE divisions do the rest)."""
    scores: dict[str, float] = defaultdict(float)
    evidence: dict[str, list[str]] = defaultdict(list)
    method: dict[str, str] = {}

    title_hits: dict[str, set[str]] = defaultdict(set)
    for text in (title, title_original):
        for domain, words in coder.matches(text, scope="priorities").items():
            title_hits[domain].update(words)
    # the description is coded too (a title such as 'Natural resources' says little; its description names
    # agriculture, sea and forest), at lower points per term than the title, without the clauses that describe the
    # whole strategy rather than this priority ('Cross-cutting: KETs; robotics, AI …')
    desc_hits = coder.matches(priority_description_content(description), scope="priorities")
    if title_hits and not description_with_title:
        desc_hits = {}
    for domain in sorted(set(title_hits) | set(desc_hits)):
        in_title = sorted(title_hits.get(domain, ()))
        in_desc = sorted(set(desc_hits.get(domain, ())) - set(in_title))
        scores[domain] += TITLE_POINTS * len(in_title) + DESCRIPTION_POINTS * len(in_desc)
        parts = []
        if in_title:
            parts.append("title: " + ", ".join(in_title))
        if in_desc:
            parts.append("description: " + ", ".join(in_desc))
        evidence[domain].append("keyword " + "; ".join(parts))
        method[domain] = "keyword"

    # NACE divisions (Czech domains) confirm keyword domains, and are the coding when no keyword matched
    keyword_found = bool(scores)
    for division in (nace_divisions or [])[:NACE_TOP_N]:
        domain = (nace_crosswalk or {}).get(division)
        if not domain or (keyword_found and domain not in scores):
            continue
        scores[domain] += NACE_POINTS
        evidence[domain].append(f"NACE {division}")
        method.setdefault(domain, "nace")

    if not scores and index is not None:
        text = " ".join(t for t in (title, title_original, description) if t)
        for domain, sim in index.best(text):
            scores[domain] = sim
            evidence[domain].append(f"similarity {sim:.3f}")
            method[domain] = "similarity"

    for ov in overrides or []:
        if ov.action == "remove":
            scores.pop(ov.domain_code, None)
            evidence.pop(ov.domain_code, None)
            method.pop(ov.domain_code, None)
        elif ov.action == "add":
            scores[ov.domain_code] = max(scores.values(), default=1.0) or 1.0
            evidence[ov.domain_code] = [f"override: {ov.reason}"]
            method[ov.domain_code] = "override"
        else:
            raise ValueError(f"override for {ov.domain_code}: unknown action {ov.action!r} (add|remove)")

    total = sum(scores.values())
    if total <= 0:
        return []
    # round the weights and give the rounding remainder to the strongest link, so they sum to exactly 1
    ordered = sorted(scores, key=lambda d: (-scores[d], d))
    weights = {d: round(scores[d] / total, 6) for d in ordered}
    weights[ordered[0]] = round(1.0 - sum(weights[d] for d in ordered[1:]), 6)
    return [DomainLink(d, method[d], " | ".join(evidence[d]), weights[d]) for d in ordered]


def infer_competences(text: str | None, coder: KeywordCoder, facets: set[str],
                      facet_of: Mapping[str, str]) -> list[tuple[str, int, str]]:
    """Hub competences inferred from a hub's title and description: (domain, level, matched terms) for the domains
    of the given facets. Level 2 when two or more distinct terms match, 1 for a single term."""
    out = []
    for domain, words in coder.matches(text, scope="all").items():
        if facet_of.get(domain) in facets:
            out.append((domain, 2 if len(words) >= 2 else 1, ", ".join(words)))
    return out


# --- the taxonomy CSVs ---------------------------------------------------------------------------------------------
TAXONOMY_FILES = ("domains.csv", "crosswalk_edih_labels.csv", "crosswalk_jrc_sectors.csv", "crosswalk_nace_divisions.csv",
                  "keyword_rules.csv", "priority_overrides.csv")
FACETS = ("sector", "technology")


def read_taxonomy_csv(folder, name: str, required: list[str]) -> list[dict[str, str]]:
    """Rows of data/taxonomy/<name> as dicts of stripped strings; a missing file or column is a clear error."""
    import csv

    from .errors import InputFileError

    path = folder / name
    if not path.exists():
        raise InputFileError(f"{path}: taxonomy file missing")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise InputFileError(f"{path}: missing column(s) {', '.join(missing)} (has {reader.fieldnames})")
        rows = [{k: (v or "").strip() for k, v in row.items()} for row in reader]
    return rows


def validate_domains(rows: list[dict[str, str]], path: str = "domains.csv") -> None:
    from .errors import InputFileError

    seen = set()
    for line, row in enumerate(rows, start=2):
        code = row["domain_code"]
        if not re.fullmatch(r"(SEC|TECH)_[A-Z0-9_]+", code):
            raise InputFileError(f"{path} line {line}: domain_code {code!r} is not SEC_… or TECH_…")
        if code in seen:
            raise InputFileError(f"{path} line {line}: domain_code {code!r} appears twice")
        seen.add(code)
        if row["facet"] not in FACETS or (row["facet"] == "sector") != code.startswith("SEC_"):
            raise InputFileError(f"{path} line {line}: facet {row['facet']!r} does not fit {code}")
        if not row["label"] or not row["family"]:
            raise InputFileError(f"{path} line {line}: {code} needs a label and a family")
        for nace in filter(None, (c.strip() for c in row.get("nace_codes", "").split(";"))):
            if not re.fullmatch(r"[A-U][0-9]{2}", nace):
                raise InputFileError(f"{path} line {line}: NACE code {nace!r} is not <section><division>, e.g. C10")


def load_taxonomy(folder=None) -> dict[str, list[dict[str, str]]]:
    """Every taxonomy CSV, checked: known domain codes, notes for labels mapped to no domain, valid overrides."""
    from . import paths
    from .errors import InputFileError

    folder = paths.TAXONOMY if folder is None else folder
    domains = read_taxonomy_csv(folder, "domains.csv",
                                ["domain_code", "facet", "label", "description", "family", "nace_codes"])
    validate_domains(domains, str(folder / "domains.csv"))
    codes = {d["domain_code"] for d in domains}
    tables = {
        "domains": domains,
        "edih": read_taxonomy_csv(folder, "crosswalk_edih_labels.csv", ["kind", "label", "domain_code", "note"]),
        "jrc": read_taxonomy_csv(folder, "crosswalk_jrc_sectors.csv", ["label", "domain_code", "note"]),
        "nace": read_taxonomy_csv(folder, "crosswalk_nace_divisions.csv",
                                  ["nace_division", "nace_section", "domain_code", "note"]),
        "keywords": read_taxonomy_csv(folder, "keyword_rules.csv", ["domain_code", "language", "match", "term", "scope"]),
        "overrides": read_taxonomy_csv(folder, "priority_overrides.csv",
                                       ["priority_id", "domain_code", "action", "reason"]),
    }
    files = {"edih": "crosswalk_edih_labels.csv", "jrc": "crosswalk_jrc_sectors.csv",
             "nace": "crosswalk_nace_divisions.csv", "keywords": "keyword_rules.csv",
             "overrides": "priority_overrides.csv"}
    for key, name in files.items():
        for line, row in enumerate(tables[key], start=2):
            code = row["domain_code"]
            if code and code not in codes:
                raise InputFileError(f"{folder / name} line {line}: unknown domain_code {code!r}")
            if not code and key in ("keywords", "overrides"):
                raise InputFileError(f"{folder / name} line {line}: domain_code is empty")
            if not code and not row.get("note"):
                raise InputFileError(f"{folder / name} line {line}: a label mapped to no domain needs a note why")
    for line, row in enumerate(tables["overrides"], start=2):
        if row["action"] not in ("add", "remove") or not row["reason"]:
            raise InputFileError(f"{folder / 'priority_overrides.csv'} line {line}: action must be add|remove, "
                                 "with a reason")
    return tables


@dataclass
class PriorityCoder:
    """Everything `code_priority` needs, built once from the taxonomy CSVs."""
    keywords: KeywordCoder
    index: SimilarityIndex
    nace: dict[str, str]
    overrides: dict[str, list[Override]]
    facet_of: dict[str, str]

    @classmethod
    def from_taxonomy(cls, tax: Mapping[str, list[dict[str, str]]]) -> "PriorityCoder":
        keywords = load_rules(tax["keywords"], {d["domain_code"] for d in tax["domains"]})
        index = SimilarityIndex.build(domain_documents(tax["domains"], keywords))
        nace = {r["nace_division"]: r["domain_code"] for r in tax["nace"] if r["domain_code"]}
        overrides: dict[str, list[Override]] = defaultdict(list)
        for r in tax["overrides"]:
            overrides[r["priority_id"]].append(Override(r["domain_code"], r["action"], r["reason"]))
        return cls(keywords, index, nace, dict(overrides), {d["domain_code"]: d["facet"] for d in tax["domains"]})

    def code(self, priority_id: str, title: str | None, title_original: str | None, description: str | None,
             nace_divisions: str | None = None, description_with_title: bool = True) -> list[DomainLink]:
        divisions = [d.strip() for d in (nace_divisions or "").split(";") if d.strip()]
        return code_priority(title, title_original, description, self.keywords, self.index, divisions, self.nace,
                             self.overrides.get(priority_id), description_with_title)


# --- evaluation against a hand-checked sample ----------------------------------------------------------------------
def read_coding_sample(path) -> list[dict[str, object]]:
    """tests/fixtures/priority_coding_sample.csv: priority_id, title, expected_domains (';'-separated, may be empty
    when no domain fits), sample ('tuning' — looked at while the rules were refined — or 'holdout'), note."""
    import csv

    with open(path, newline="", encoding="utf-8") as f:
        return [dict(r, expected=set(filter(None, (r["expected_domains"] or "").split(";"))))
                for r in csv.DictReader(f)]


def precision_recall(expected: Mapping[str, set[str]], coded: Mapping[str, set[str]]) -> dict[str, float]:
    """Precision and recall over (priority, domain) pairs of the priorities in `expected`."""
    tp = fp = fn = 0
    for pid, exp in expected.items():
        got = set(coded.get(pid, set()))
        tp += len(exp & got)
        fp += len(got - exp)
        fn += len(exp - got)
    return {"precision": tp / (tp + fp) if tp + fp else 0.0, "recall": tp / (tp + fn) if tp + fn else 0.0,
            "true_positives": tp, "false_positives": fp, "false_negatives": fn, "priorities": len(expected)}


def coder_for_build(ctx) -> PriorityCoder:
    """The build's PriorityCoder, made once per build and shared by the steps (ctx.notes)."""
    coder = ctx.notes.get("priority_coder")
    if coder is None:
        coder = ctx.notes["priority_coder"] = PriorityCoder.from_taxonomy(load_taxonomy())
    return coder
