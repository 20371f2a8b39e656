"""policy_q_specialisation, policy_q_specialisation_regions, policy_q_funding_alignment,
policy_q_strategy_misalignment, policy_q_cross_border_pairs: the DIH working group's four policy questions answered
from the alignment marts (pipelines/sql/policy_questions.sql; docs/whatif.md)."""
from __future__ import annotations

from ..context import BuildContext
from ..sql import run_mart_step

POLICY_DOMAINS = ["TECH_AI", "TECH_CYBER", "TECH_HPC"]  # the 'highly specialised' domains of the question
CROSS_BORDER_KM = 150.0  # hub pairs across a border: in neighbouring NUTS 2 regions, or at most this far apart

REQUIRES = ["hubs_deduplicated", "hub_competences", "hub_identity", "hub_domain_levels", "region_hub_distances",
            "hub_region_membership", "alignment_regions", "region_alignment", "region_priority_domains",
            "region_domain_status", "policy_alignment", "region_adjacency", "regions", "domains"]


def run(ctx: BuildContext) -> int:
    return run_mart_step(ctx, "policy_questions", "policy_q_cross_border_pairs", requires=REQUIRES,
                         extra={"policy_domains": POLICY_DOMAINS, "cross_border_km": CROSS_BORDER_KM})
