-- P1's 督办 part (W1-W3): one row per breach that counts against a department, dated by when it was
-- due: a supervision task whose deadline passed without a reply on time (W1), a transferred
-- complaint whose result came late or not at all (W2), a late catalogue-change step (W3).
-- A placeholder until the workflow models are built (issue 18): no rows, and every run says once
-- that the part is not scored (macro workflow_breaches_built; score rows: workflows_scored).
{{ config(meta={'placeholder': true}) }}
{{ warn_workflow_part_unscored() }}
with final as (

    select
        null::text as department_code,
        null::text as rule_id,
        null::text as record_key,
        null::date as due_date
    where false

)

select * from final
