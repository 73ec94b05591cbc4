-- P1: every score is base - deductions + bonuses, between 0 and 110, and a month's deductions are the
-- sum of its parts (quarter and year rows are means, each rounded on its own).
select *
from {{ ref('performance_scores') }}
where score < 0
    or score > 110
    or (period_type = 'month' and score <> base - deductions + bonuses)
    or (period_type = 'month' and deductions <> timeliness_deduction + uploads_deduction + cards_deduction
        + workflows_deduction + nodes_deduction)
