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

    @property
    def short_label(self) -> str:
        return self.short or self.label

    def format(self, value) -> str:
        if is_missing(value):
            return "no data"
        return f"{value:{self.fmt}}{self.unit}"


METRICS: dict[str, Metric] = {m.key: m for m in [
    Metric("alignment", "Alignment score", "alignment_score", "", ".0f",
           "0-100: how well the hubs' competences match the region's S3 priorities (harmonic mean of coverage and "
           "focus).", fixed_range=(0, 100)),
    Metric("coverage", "Coverage of priority domains", "coverage_pct", " %", ".0f", short="Coverage", explanation=
           "Share of the region's priority domains with at least one local hub competent in them. With a domain "
           "filter: 100 covered, 50 weakly covered, 0 uncovered; no colour where the domain is no priority.",
           by_domain=True, filtered_sql="s.coverage_pct", fixed_range=(0, 100)),
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

DEFAULT_METRIC = "alignment"
LEVELS = {0: "Countries (NUTS 0)", 1: "Major regions (NUTS 1)", 2: "Regions (NUTS 2)"}
