"""The one column dictionary of S3 Hub Atlas: for every column the dashboard shows or an export writes, a human
label, a unit and a one-line meaning. The dashboard's tables show the labels and format by the unit; the exports
write a `columns` sheet (Excel) and `columns.csv` (CSV zip) from the same entries and format Excel cells by unit.

Units (the same on screen and in every file; files keep exact values, screens round for reading):
- share: a fraction 0-1, shown as a percentage (0.825 → 82.5 %; Excel cell format 0.0 %)
- score: 0-100
- eur: euro, exact in files, rounded on screen (€285 m)
- eur_per_inh: euro per inhabitant
- count, per_million, km, level (competence level 1-5), rank, year, people
- code, text, url: no unit
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    unit: str
    meaning: str


UNIT_TEXT = {"share": "% (stored as a fraction 0-1)", "score": "0-100", "eur": "€", "eur_per_inh": "€ per inhabitant",
             "count": "count", "per_million": "per million inhabitants", "km": "km", "level": "level 1-5",
             "rank": "rank (1 = highest)", "year": "year", "people": "inhabitants", "code": "", "text": "",
             "url": "", "percent": "% (0-100)", "ratio": "ratio"}

_ENTRIES = [
    # regions
    ("nuts_code", "NUTS code", "code", "Region code in the NUTS 2021 classification (2 letters = country)."),
    ("name", "Region", "text", "Region name in its own language (NUTS 2021)."),
    ("region_name", "Region", "text", "Region name in its own language (NUTS 2021)."),
    ("level", "NUTS level", "code", "0 = country, 1 = major region, 2 = region (NUTS 2021)."),
    ("country_code", "Country", "code", "Eurostat country code (EL = Greece)."),
    ("period", "S3 period", "code", "Programming period of the smart-specialisation strategies the row is about."),
    ("alignment_score", "Alignment score", "score",
     "How well the region's hubs' competences match its S3 priorities (harmonic mean of coverage and focus)."),
    ("coverage", "Coverage", "share", "Weighted share of the region's priority domains with a competent local hub."),
    ("focus", "Focus", "share", "Share of the region's hub competence that falls in its priority domains."),
    ("coverage_pct", "Coverage", "percent", "Coverage of the region's priority domains, in percent."),
    ("focus_pct", "Focus", "percent", "Focus of the region's hub competences, in percent."),
    ("coverage_declared", "Coverage (declared competences)", "share",
     "Share of priority domains covered counting only competences the hubs declared."),
    ("coverage_all", "Coverage (all evidence)", "share",
     "Share of priority domains covered counting declared, listed and inferred competences."),
    ("coverage_low", "Coverage, low end", "share", "Lower end of the coverage range over the method's variants."),
    ("coverage_high", "Coverage, high end", "share", "Upper end of the coverage range over the method's variants."),
    ("fit", "Fit", "ratio", "Share of the serving hubs' competence in the priority domains divided by the share "
     "expected from the EU-wide mix (1 = as expected, above 1 = leaning towards the priorities)."),
    ("is_ranked", "Ranked", "text", "Whether the region is ranked (enough own evidence)."),
    ("not_ranked_reason", "Why not ranked", "text", "Why the region is not ranked."),
    ("basis", "Basis", "text", "What the figure rests on: own strategy, national fallback or 2014-2020 carried forward."),
    ("headline_figure", "Headline figure", "code", "Which column is the headline figure of the method (coverage_all)."),
    ("coverage_label", "Coverage in words", "text", "The headline coverage with its range across the method's readings."),
    ("coverage_address", "Coverage (hubs at their address)", "share", "Coverage counting hubs only where they are located."),
    ("n_tied_in_eu", "Regions tied in the EU", "count", "Regions sharing the same EU rank (same whole-percent coverage)."),
    ("n_tied_in_country", "Regions tied in the country", "count", "Regions sharing the same rank in the country."),
    ("coverage_note", "Note on coverage", "text", "Why coverage is 0, in words."),
    ("low_confidence_weight_share", "Low-confidence share", "share",
     "Share of the region's priority weight that comes from low-confidence priority lists."),
    ("n_hubs_located", "Hubs located in the region", "count", "Hubs with their address in the region."),
    ("suggestion_type", "Suggestion type", "text", "fill (the domain is uncovered) or strengthen (only weakly covered)."),
    ("rule", "Suggestion rule", "text", "Which rule found the hub: within 500 km, neighbouring region, or a fallback."),
    ("evidence_grade", "Evidence grade", "text", "declared (EDIH catalogue), listed (JRC sector list) or inferred."),
    ("is_associated_country", "Associated country", "text", "The hub is in a Digital Europe associated country."),
    ("no_score_reason", "Why no score", "text", "Why the region has no alignment score in this period."),
    ("hub_note", "Note on hubs", "text", "A remark on the region's hubs (e.g. none located in the region)."),
    ("map_value", "Map value", "text", "The value the map colours the region by (the metric chosen on the map)."),
    ("why_text", "Why this figure", "text", "The region's figure explained in words from its own numbers."),
    ("n_priorities", "S3 priorities", "count", "Priorities of the strategies that apply to the region."),
    ("n_priority_domains", "Priority domains", "count", "Distinct technology/sector domains the priorities are coded to."),
    ("n_domains_covered", "Domains covered", "count", "Priority domains with a local hub at the covered level."),
    ("n_domains_weak", "Domains weakly covered", "count", "Priority domains with a local hub below the covered level."),
    ("n_domains_uncovered", "Domains uncovered", "count", "Priority domains no local hub is competent in."),
    ("n_uncovered_priorities", "Uncovered priorities", "count",
     "Priorities none of whose domains has a competent hub in the region."),
    ("n_hubs", "Hubs", "count", "Digital innovation hubs counted in the region."),
    ("n_edih", "EDIHs", "count", "European Digital Innovation Hubs counted in the region."),
    ("n_seal", "Seal of Excellence hubs", "count", "Hubs with a Seal of Excellence counted in the region."),
    ("n_dih", "Other DIHs", "count", "Other digital innovation hubs (JRC catalogue) counted in the region."),
    ("n_dep_funded_edih", "Digital Europe-funded EDIHs", "count", "EDIHs funded by the Digital Europe programme."),
    ("hubs_per_million", "Hubs per million inhabitants", "per_million", "Hubs counted in the region per million inhabitants."),
    ("population", "Population", "people", "Inhabitants (Eurostat, latest year available)."),
    ("erdf_to01_eur", "ERDF 2014-2020 planned, R&I (TO01)", "eur",
     "ERDF planned for research and innovation (thematic objective 1) in regional programmes, 2014-2020."),
    ("erdf_to02_eur", "ERDF 2014-2020 planned, ICT (TO02)", "eur",
     "ERDF planned for information and communication technologies (thematic objective 2), 2014-2020."),
    ("erdf_planned_basis", "ERDF planned: basis", "text", "How the planned ERDF amount was placed in the region."),
    ("erdf_payments_eur", "ERDF payments 2014-2023", "eur",
     "ERDF paid in 2014-2023 for the 2014-2020 programmes (Commission's regionalised estimate)."),
    ("erdf_payments_per_inh", "ERDF payments per inhabitant", "eur_per_inh",
     "ERDF paid in 2014-2023 (2014-2020 programmes) per inhabitant."),
    ("erdf_rd_per_inh", "ERDF R&I per inhabitant", "eur_per_inh", "ERDF 2014-2020 planned for R&I per inhabitant."),
    ("h2020_ec_eur", "Horizon 2020 EC contribution", "eur",
     "Horizon 2020 (2014-2020) EC contribution to organisations registered in the region."),
    ("h2020_nuts_share", "Horizon 2020 placed share", "share",
     "Share of the country's Horizon 2020 contribution that could be placed in a region."),
    ("h2020_per_inh", "Horizon 2020 per inhabitant", "eur_per_inh", "Horizon 2020 EC contribution per inhabitant."),
    ("rank_in_country", "Rank in country", "rank", "Rank of the alignment score among regions of the same level."),
    ("rank_in_eu", "Rank in EU", "rank", "Rank of the alignment score among EU regions of the same level."),
    ("method_version", "Method version", "code", "Version of the alignment method that produced the row."),
    # gaps
    ("strategy_id", "Strategy", "code", "Identifier of the S3 strategy (country/region code and period)."),
    ("relation", "Strategy relation", "text", "How the strategy applies: national, own (regional), parent or child region."),
    ("priority_id", "Priority ID", "code", "Identifier of the S3 priority."),
    ("priority_no", "Priority no.", "count", "Number of the priority in its strategy."),
    ("priority_title", "Priority", "text", "Title of the S3 priority (English)."),
    ("priority", "Priority", "text", "Title of the S3 priority (English)."),
    ("title", "Title", "text", "Title (English)."),
    ("title_original", "Title (original)", "text", "Title in the strategy's own language."),
    ("domain_code", "Domain code", "code", "Code of the technology or sector domain."),
    ("domain_label", "Domain", "text", "Technology or sector domain."),
    ("domain", "Domain", "text", "Technology or sector domain."),
    ("domains", "Coded domains", "text", "Domains the priority is coded to."),
    ("facet", "Facet", "text", "Technology or sector."),
    ("status", "Status", "text", "covered / weak / uncovered by hubs in the region."),
    ("local_hubs", "Local hubs (IDs)", "text", "Hubs serving the region with a competence in the domain: ID, level, evidence."),
    ("local_hub_names", "Local hubs", "text", "The same hubs by name, with level and evidence."),
    ("best_local_level", "Best local level", "level", "Highest competence level of a local hub in the domain."),
    ("nearest_hub_id", "Nearest hub ID", "code", "ID of the nearest competent hub outside the region."),
    ("nearest_hub_name", "Nearest hub", "text", "Name of the nearest competent hub outside the region."),
    ("nearest_hub", "Nearest hub", "text", "Name of the nearest competent hub outside the region."),
    ("nearest_hub_distance_km", "Distance to nearest hub", "km", "Distance from the region to that hub."),
    ("covered_links", "Covered links", "count", "Priority × domain links covered by local hubs."),
    ("weak_links", "Weak links", "count", "Priority × domain links only weakly covered."),
    ("uncovered_links", "Uncovered links", "count", "Priority × domain links no local hub covers."),
    # partners, hubs
    ("rank", "Rank", "rank", "Rank of the partner suggestion for the domain (1 = best)."),
    ("hub_id", "Hub ID", "code", "Identifier of the hub record (catalogue:id)."),
    ("hub_name", "Hub", "text", "Hub name as in its catalogue."),
    ("hub", "Hub", "text", "Hub name as in its catalogue."),
    ("hub_type", "Hub type", "text", "EDIH, Seal of Excellence or other DIH."),
    ("hub_country_code", "Hub country", "code", "Country of the hub."),
    ("country", "Country", "code", "Eurostat country code."),
    ("hub_nuts2_code", "Hub region", "code", "NUTS 2 region of the hub."),
    ("nuts2_code", "NUTS 2 region", "code", "NUTS 2 region code."),
    ("hub_website", "Hub website", "url", "Website of the hub."),
    ("website", "Website", "url", "Website."),
    ("score", "Partner score", "score", "How good a partner the hub is for the domain (competence, distance, ties)."),
    ("reasons", "Why suggested", "text", "Reasons for the suggestion."),
    ("competence_level", "Competence level", "level", "The hub's competence level in the domain."),
    ("distance_km", "Distance", "km", "Distance between the region and the hub."),
    ("level_of_competence", "Competence level", "level", "The hub's competence level in the domain."),
    ("competence_source", "Competence source", "text", "Where the competence comes from (declared, inferred …)."),
    ("placement_method", "Placed by", "text", "How the hub was placed in a region (address, postcode, city …)."),
    ("placement_confidence", "Placement confidence", "text", "How sure the placement is."),
    ("merged_hub_ids", "Merged records", "text", "Other catalogue records counted as this hub."),
    ("source", "Source", "text", "Where the row comes from."),
    ("evidence", "Evidence", "text", "The text or tag the row rests on."),
    ("method", "Coding method", "text", "How the domain was assigned (keyword, tag, manual …)."),
    ("weight", "Weight", "share", "Weight of the link in the method."),
    ("confidence", "Confidence", "text", "How sure the source reading is."),
    ("source_url", "Source", "url", "Link to the source document."),
    ("source_kind", "Source kind", "text", "Kind of source (strategy document, platform, secondary …)."),
    # funding mix (funding branch)
    ("funding_source", "Funding source", "text", "Programme the money comes from."),
    ("amount_eur", "Amount", "eur", "Amount of the period shown."),
    ("per_capita_eur", "Per inhabitant", "eur_per_inh", "Amount per inhabitant."),
    ("programme", "Programme", "text", "The programme and period the money comes from."),
    ("years", "Years", "text", "Years the money was committed or paid."),
    ("is_estimate", "Estimate", "text", "Whether the amount is an estimate."),
    ("placed_share", "Placed share", "share", "Share of the money that could be placed in a region."),
    ("note", "Note", "text", "Remark on the figure."),
    # data & method
    ("source_id", "Source", "code", "Identifier of the data source."),
    ("snapshot", "Snapshot", "code", "Date of the data snapshot used."),
    ("licence", "Licence", "text", "Licence of the source."),
    ("publisher", "Publisher", "text", "Publisher of the source."),
    ("nuts_version", "NUTS version", "code", "NUTS version the source uses."),
    ("upstream_url", "Upstream", "url", "Where the source was downloaded."),
    ("rows_read", "Rows read", "count", "Rows read from the source."),
    ("rows_kept", "Rows kept", "count", "Rows used in the warehouse."),
    ("rows_quarantined", "Rows in quarantine", "count", "Rows set aside with a reason."),
    ("reason", "Reason", "text", "Why the rows were set aside."),
    ("rows", "Rows", "count", "Number of rows."),
    ("field", "Field", "text", "README field."),
    ("value", "Value", "text", "README value."),
]

COLUMNS: dict[str, Column] = {name: Column(name, label, unit, meaning) for name, label, unit, meaning in _ENTRIES}


def column(name: str) -> Column:
    """The entry of a column (an unknown column gets its name, humanised, and no unit)."""
    return COLUMNS.get(name) or Column(name, name.replace("_", " ").capitalize(), "text", "")


def label(name: str) -> str:
    return column(name).label


def unit(name: str) -> str:
    return column(name).unit


def dictionary_frame(columns_by_table: dict[str, list[str]]) -> pd.DataFrame:
    """The `columns` sheet / columns.csv: one row per table × column with label, unit and meaning."""
    rows = []
    for table, names in columns_by_table.items():
        for name in names:
            entry = column(name)
            rows.append((table, name, entry.label, UNIT_TEXT.get(entry.unit, entry.unit), entry.meaning))
    return pd.DataFrame(rows, columns=["table", "column", "label", "unit", "meaning"])


def euro_text(value) -> str:
    """An amount rounded for reading: €285 m, €4.2 bn, €12,300; '—' when missing."""
    if value is None or pd.isna(value):
        return "—"
    v = float(value)
    if abs(v) >= 1e9:
        return f"€{v / 1e9:,.1f} bn"
    if abs(v) >= 1e6:
        return f"€{v / 1e6:,.0f} m" if abs(v) >= 1e7 else f"€{v / 1e6:,.1f} m"
    if abs(v) >= 1e3:
        return f"€{round(v, -2):,.0f}"
    return f"€{v:,.0f}"
