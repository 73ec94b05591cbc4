-- T6 (S11(2)), A1: lateness is one anomaly and one card per late case (ADR 0005): an overdue open
-- case, and a case completed late (T5), which was an overdue open case first. Detected the day after
-- the promised due date (or the day the acceptance first reached the platform, if later); corrected
-- by completing the case (the completion date, or the day it was first uploaded if later).
-- T9: a case late only because of exempt WD is exempt; the exemptions covering it were registered on
-- the day the last of them was first uploaded (after the issue day, they revoke the card).
with cases as (

    select * from {{ ref('case_timeliness') }}

),

case_uploads as (

    select * from {{ ref('int_case_uploads_dated') }}

),

exemption_versions as (

    select * from {{ ref('stg_exchange__exemption_versions') }}

),

late_cases as (

    select * from cases
    where status in ('overdue', 'completed_late')

),

exemptions as (

    -- the current window of each exemption, and the day it first reached the platform
    select
        exemption_id,
        (array_agg(scope order by uploaded_at desc, version_number desc))[1] as scope,
        (array_agg(department_code order by uploaded_at desc, version_number desc))[1] as department_code,
        (array_agg(case_no order by uploaded_at desc, version_number desc))[1] as case_no,
        {{ shanghai_date('(array_agg(start_at order by uploaded_at desc, version_number desc))[1]') }}
            as start_date,
        {{ shanghai_date('(array_agg(end_at order by uploaded_at desc, version_number desc))[1]') }}
            as end_date,
        {{ shanghai_date('min(uploaded_at)') }} as first_uploaded_on
    from exemption_versions
    group by exemption_id

),

exemptions_registered as (

    -- T9: the exemptions whose window overlaps the days the exempt case counted
    select
        late_cases.department_code,
        late_cases.case_no,
        max(exemptions.first_uploaded_on) as exemption_registered_on
    from late_cases
    inner join exemptions
        on exemptions.start_date <= coalesce(late_cases.completion_date, {{ as_of_date() }})
        and coalesce(exemptions.end_date, {{ as_of_date() }}) > late_cases.accepted_date
        and (
            exemptions.scope = 'city'
            or (exemptions.scope = 'department' and exemptions.department_code = late_cases.department_code)
            or (exemptions.scope = 'case' and exemptions.department_code = late_cases.department_code
                and exemptions.case_no = late_cases.case_no)
        )
    where late_cases.late_only_because_exempt
    group by late_cases.department_code, late_cases.case_no

),

final as (

    select
        'T6' as rule_id,
        late_cases.department_code,
        late_cases.case_no,
        null::integer as node_seq,
        greatest(late_cases.promised_due_date + 1, case_uploads.acceptance_first_uploaded_on) as detected_on,
        greatest(late_cases.completion_date, case_uploads.completion_first_uploaded_on) as corrected_on,
        coalesce(late_cases.late_only_because_exempt, false) as exempt,
        exemptions_registered.exemption_registered_on,
        '超过承诺期限（' || late_cases.promised_due_date || '）'
        || case
            when late_cases.completion_date is not null then '，' || late_cases.completion_date || ' 超期办结'
            else '，至今未办结'
        end as detail
    from late_cases
    left join case_uploads
        on case_uploads.department_code = late_cases.department_code
        and case_uploads.case_no = late_cases.case_no
    left join exemptions_registered
        on exemptions_registered.department_code = late_cases.department_code
        and exemptions_registered.case_no = late_cases.case_no

)

select * from final
