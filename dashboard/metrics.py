"""What the map can colour by: each metric's column in mart_map_metrics (and its SQL under a filter), label, unit and format,
and which filters change it. One place, shared by the map, the comparison and the presentation story."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


def is_missing(value) -> bool:
    """None, NaN, NaT or pd.NA."""
    return value is None or bool(pd.isna(value))


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    column: str
    unit: str
    fmt: str  # Python format spec for one value
    explanation: str
    by_hub_type: bool = False  # the hub-type filter changes it
    by_domain: bool = False  # the domain filter changes it
    filtered_sql: str | None = None  # its value under a filter: SQL over m (metrics), h (hub counts), s (status)
    short: str = ""  # a label for narrow places (metric tiles)
    fixed_range: tuple[float, float] | None = None  # score-like: the same 0-100 scale in every view
    missing_reason: str = ""  # plain words for a grey region when the metric has no value (else the region's reason)
    method2: bool = False  # exists only in an atlas-method-2.0 warehouse (its column decides)

    @property
    def short_label(self) -> str:
        return self.short or self.label

    def format(self, value) -> str:
        if is_missing(value):
            return "no data"
        if self.unit.strip() == "€":
            return f"€{value:{self.fmt}}"
        return f"{value:{self.fmt}}{self.unit}"


METRICS: dict[str, Metric] = {m.key: m for m in [
    Metric("alignment", "Alignment score", "alignment_score", "", ".0f",
           "0-100: how well the hubs' competences match the region's S3 priorities (harmonic mean of coverage and "
           "focus).", fixed_range=(0, 100)),
    Metric("coverage", "Coverage of priority domains", "coverage_pct", " %", ".0f", short="Coverage", explanation=
           "The headline figure: weighted share of the region's S3 priority domains with a hub serving the region "
           "competent in them. With a domain filter: 100 covered, 50 weakly covered, 0 uncovered; white where the "
           "domain is not a priority.",
           by_domain=True, filtered_sql="s.coverage_pct", fixed_range=(0, 100)),
    Metric("coverage_declared", "Coverage, declared competences only", "coverage_declared_pct", " %", ".0f",
           "Coverage counting only the competence levels EDIHs declared in the catalogue (no listed or inferred "
           "competences).", short="Coverage (declared)", fixed_range=(0, 100), method2=True),
    Metric("fit", "Fit of hub competences to the priorities", "fit", "", ".2f",
           "Share of the serving hubs' competence in the region's priority domains divided by the share expected "
           "from the EU-wide mix of those domains: above 1 the hubs lean towards the priorities.", short="Fit",
           fixed_range=(0, 2), method2=True),
    Metric("focus", "Focus of hub competences", "focus_pct", " %", ".0f", short="Focus", explanation=
           "Share of the region's hub competences that fall in its priority domains.", fixed_range=(0, 100)),
    Metric("hubs", "Hubs", "n_hubs", "", ".0f",
           "Digital innovation hubs placed in the region (EDIHs, Seals of Excellence, DIHs).",
           by_hub_type=True, by_domain=True, filtered_sql="coalesce(h.n_hubs, 0)"),
    Metric("edih", "EDIHs", "n_edih", "", ".0f",
           "European Digital Innovation Hubs funded by Digital Europe placed in the region.", by_domain=True,
           filtered_sql="coalesce(h.n_edih, 0)"),
    Metric("hubs_per_million", "Hubs per million inhabitants", "hubs_per_million", "", ".1f",
           "Hubs in the region per million inhabitants.", by_hub_type=True, by_domain=True,
           filtered_sql="1e6 * coalesce(h.n_hubs, 0) / nullif(m.population, 0)",
           missing_reason="no population figure for the region"),
    Metric("erdf_rd", "ERDF R&I per inhabitant", "erdf_rd_per_inh", " €", ",.0f",
           "ERDF 2014-2020 planned for research and innovation (thematic objective 1) per inhabitant, where a "
           "regional programme exists.", missing_reason="no regional ERDF programme figure: national programmes "
           "are not split by region"),
    Metric("h2020", "Horizon 2020 per inhabitant", "h2020_per_inh", " €", ",.0f",
           "Horizon 2020 EC contribution to organisations registered in the region, per inhabitant (only the "
           "share that could be placed in a region).", missing_reason="no Horizon 2020 money could be placed in "
           "this region, or no population figure"),
    Metric("uncovered", "Uncovered priorities", "n_uncovered_priorities", "", ".0f", short="Uncovered", explanation=
           "Applicable priorities none of whose domains has a competent hub in the region. With a domain filter: "
           "priorities whose domain is uncovered.", by_domain=True,
           filtered_sql="CASE WHEN m.n_priorities > 0 THEN coalesce(s.n_uncovered_priorities, 0) END"),
]}

DEFAULT_METRIC = "alignment"  # method 1.0; method 2.0 warehouses open on coverage (data.default_metric)
HEADLINE_METRIC = "coverage"
ALIASES = {"alignment": "coverage"}  # method 2.0: the alignment score is 100 × coverage, links keep working
LEVELS = {0: "Countries (NUTS 0)", 1: "Major regions (NUTS 1)", 2: "Regions (NUTS 2)"}
