"""Figures explained in words, from a region's own numbers: the "Why this figure" paragraph of every profile (and the
`why_text` column of the export's regions sheet), and plain-language reasons for regions without data.

Pure functions over plain values (no database): `pipelines/marts/84_region_why.py` calls `why_text` for every region
× period; the dashboard calls `plain_reason` on the map's hover."""
from __future__ import annotations

import math
import re

RELATION_WORDS = {"own": "its own regional strategy", "national": "the national strategy",
                  "parent": "the strategy of the larger region it belongs to",
                  "child": "the strategies of its sub-regions", "shared": "a strategy shared with other regions"}
BASIS_WORDS = {"own": "its own strategy", "national_fallback": "the national strategy (no regional list in the data)",
               "carried_forward_2014_2020": "its 2014-2020 priorities carried forward (no 2021-2027 list in the data)"}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("nan", "None", "<NA>")


def _pct(value) -> str:
    return f"{100 * float(value):.0f} %"


def _join(items: list[str], limit: int = 3) -> str:
    items = [i for i in items if i]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def plain_reason(reason, period: str | None = None) -> str:
    """A no-score / no-data reason without codes or jargon (e.g. no 'FRY3-?')."""
    if _missing(reason):
        return "no figure for this region"
    text = str(reason)
    when = f" for {period}" if period else " for this period"
    if "listed but not found" in text:
        return (f"its smart-specialisation strategy{when} is known to exist but its priority list is not yet in "
                "the atlas's data")
    if "no applicable S3 priority" in text:
        return f"no smart-specialisation priorities{when} are in the data for this region"
    if "no hub" in text:
        return "no digital innovation hub is located in the region"
    if "population" in text:
        return "no population figure to divide by"
    return re.sub(r"\s*\([^)]*\?[^)]*\)", "", text)  # drop code lists with '?' placeholders


def why_text(row: dict, covered: list[tuple[str, int]], weak: list[str], uncovered: list[str],
             top_hubs: list[str]) -> str:
    """One short paragraph on a region's headline figure. row: its region_alignment row (method 1.0 or 2.0 columns);
    covered: (domain label, number of covering hubs), most hubs first; weak / uncovered: domain labels; top_hubs:
    names of the hubs covering the most priority domains."""
    name = row.get("name") or row.get("nuts_code")
    period = row.get("period")
    parts: list[str] = []
    if _missing(row.get("alignment_score")) and _missing(row.get("coverage_all")) and _missing(row.get("coverage")):
        parts.append(f"{name} has no figure for {period}: {plain_reason(row.get('no_score_reason'), period)}.")
        if not _missing(row.get("hub_note")):
            parts.append(f"Also, {row['hub_note']}.")
        return " ".join(parts)
    n_domains = int(row.get("n_priority_domains") or 0)
    n_prios = int(row.get("n_priorities") or 0)
    n_cov = int(row.get("n_domains_covered") or 0)
    if not _missing(row.get("coverage_all")):  # method 2.0: coverage by the hubs serving the region is the headline
        headline = row.get(row.get("headline_figure") or "coverage_all")
        rng = ""
        if not _missing(row.get("coverage_low")) and not _missing(row.get("coverage_high")):
            low, high = _pct(row["coverage_low"]), _pct(row["coverage_high"])
            rng = ("; the same under every alternative reading of the method" if low == high else
                   f"; across the method's alternative readings it lies between {low} and {high}")
        declared = "" if _missing(row.get("coverage_declared")) else (
            f" Counting only the competences EDIHs declared themselves, coverage is {_pct(row['coverage_declared'])}.")
        rank = ""
        if not _missing(row.get("is_ranked")) and bool(row["is_ranked"]) and not _missing(row.get("rank_in_eu")):
            tied = int(row.get("n_tied_in_eu") or 1)
            rank = f" It ranks {int(row['rank_in_eu'])} in the EU at its level" + (
                f" (tied with {tied - 1} other regions)." if tied > 1 else ".")
        parts.append(f"Hubs serving {name} cover {_pct(headline)} of its {n_domains} S3 priority domains "
                     f"(from {n_prios} priorities, {period}){rng}.{declared}{rank}")
        if not _missing(row.get("fit")):
            fit = float(row["fit"])
            lean = ("are spread about as hubs' are across the EU" if abs(fit - 1) < FIT_AS_EXPECTED
                    else "lean towards these priorities" if fit > 1 else "lean away from these priorities")
            parts.append(f"Their competences {lean} (fit {fit:.2f}; 1 = as expected from the EU-wide mix).")
    else:
        score = row.get("alignment_score")
        rank = "" if _missing(row.get("rank_in_eu")) else f", rank {int(row['rank_in_eu'])} in the EU at its level"
        parts.append(f"{name} scores {float(score):.0f} of 100 in {period}{rank}: its hubs cover {n_cov} of its "
                     f"{n_domains} S3 priority domains from {n_prios} priorities (coverage {_pct(row['coverage'])}), "
                     f"and {_pct(row['focus'])} of their competences fall in those domains (focus); the score is the "
                     "harmonic mean of the two, so the lower one pulls it down.")
    if covered:
        parts.append("Covered: " + _join([f"{label} ({n} hub{'s' if n != 1 else ''})" for label, n in covered]) + ".")
    if top_hubs:
        parts.append(f"Hubs carrying most of it: {_join(top_hubs, 2)}.")
    if uncovered:
        parts.append("No hub serving the region has: " + _join(uncovered) + ".")
    if weak:
        parts.append("Only weakly covered: " + _join(weak) + ".")
    bases = [b.strip() for b in str(row.get("basis") or "").split(",") if b.strip() in BASIS_WORDS]
    if bases:
        parts.append("The figure rests on " + _join([BASIS_WORDS[b] for b in bases]) + ".")
    elif not _missing(row.get("strategy_relations")):
        relations = [r.strip() for r in str(row["strategy_relations"]).split(",")]
        parts.append("Priorities come from " + _join([RELATION_WORDS.get(r, r) for r in relations]) + ".")
        if relations == ["national"] and int(row.get("level") or 0) > 0:
            parts.append("No regional priority list is in the data, so the national one stands in.")
    if n_prios and n_prios < 3:
        parts.append(f"With only {n_prios} priorit{'y' if n_prios == 1 else 'ies'}, one more or less hub changes "
                     "the figure a lot.")
    if not _missing(row.get("not_ranked_reason")) and "no S3 strategy" not in str(row["not_ranked_reason"]):
        parts.append(f"Not ranked: {row['not_ranked_reason']}.")
    if not _missing(row.get("coverage_note")):
        parts.append(str(row["coverage_note"]).rstrip(".") + ".")
    return " ".join(parts)


# |fit - 1| below this reads "about as expected" in the paragraph (a lift of 0.96 is no lean either way)
FIT_AS_EXPECTED = 0.1

HUB_IN_LIST = re.compile(r"([a-z]+:[^\s;()]+) \(level (\d)([^)]*)\)")


def hub_list_names(text, names: dict[str, str]) -> str | None:
    """'edih:2065 (level 5, declared); jrc:1 (level 3)' → 'DIH4CAT (level 5, declared); … (level 3)'."""
    if _missing(text):
        return None
    return "; ".join(f"{names.get(h, h)} (level {lvl}{rest})"
                     for h, lvl, rest in HUB_IN_LIST.findall(str(text))) or str(text)
