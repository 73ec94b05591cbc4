-- A1: the day each case's acceptance and completion first reached the platform (Beijing dates).
-- A case anomaly is detected no earlier than the data shows it, and corrected (by completing the
-- case) no earlier than the completion arrives.
-- Kept incrementally with the cases whose records changed (no date dependence; ADR 0006).
{{ config(
    materialized='incremental',
    incremental_strategy='replace_changed_cases',
    on_schema_change='append_new_columns',
) }}
with acceptance_versions as (

    select * from {{ ref('stg_exchange__case_acceptance_versions') }}
    where true
        {{ recomputed_cases_only() }}

),

completion_versions as (

    select * from {{ ref('stg_exchange__case_completion_versions') }}
    where true
        {{ recomputed_cases_only() }}

),

acceptance_uploads as (

    select
        department_code,
        case_no,
        {{ shanghai_date('min(uploaded_at)') }} as acceptance_first_uploaded_on
    from acceptance_versions
    group by department_code, case_no

),

completion_uploads as (

    select
        department_code,
        case_no,
        {{ shanghai_date('min(uploaded_at)') }} as completion_first_uploaded_on
    from completion_versions
    group by department_code, case_no

),

final as (

    select
        acceptance_uploads.department_code,
        acceptance_uploads.case_no,
        acceptance_uploads.acceptance_first_uploaded_on,
        completion_uploads.completion_first_uploaded_on
    from acceptance_uploads
    left join completion_uploads
        on completion_uploads.department_code = acceptance_uploads.department_code
        and completion_uploads.case_no = acceptance_uploads.case_no

)

select
    final.*,
    {{ as_of() }} as as_of
from final
