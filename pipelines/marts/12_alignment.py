"""The alignment marts (region_alignment, gaps, unaligned_competences, partner_suggestions, policy_alignment and their
helper tables): the build's call of `pipelines.method_engine.compute_alignment` on the warehouse, after putting
competence rows with a domain but a level outside 1-5 into quarantine with the reason (rows without a domain, EDIH
service tags that the taxonomy maps to no domain by design, are not domain competences and are left aside)."""
from __future__ import annotations

from ..context import BuildContext
from ..method_engine import OPTIONAL_INPUTS, REQUIRED_INPUTS, compute_alignment
from ..sql import require_tables


def run(ctx: BuildContext) -> int:
    require_tables(ctx.con, "region_alignment", REQUIRED_INPUTS + list(OPTIONAL_INPUTS))
    ctx.quarantine_query("marts", "hub_competences", "hub_competences", """
        SELECT NULL AS line,
               'hub competence level ' || coalesce(level::VARCHAR, 'NULL')
               || ' is not in 1-5: not used by the alignment' AS reason,
               to_json(c)::VARCHAR AS record
        FROM hub_competences c
        WHERE domain_code IS NOT NULL AND (level IS NULL OR level NOT BETWEEN 1 AND 5)""")
    counts = compute_alignment(ctx.con)
    return counts["region_alignment"]
