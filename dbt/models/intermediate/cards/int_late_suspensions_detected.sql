-- T3, A1: a suspension that starts (Beijing date) after the case's promised due date began after
-- the limit had run out: it moves nothing (T3) and is an anomaly. Detected when it started or was
-- first uploaded, whichever is later; corrected by completing the case.
with cases as (

    select * from {{ ref('case_timeliness') }}

),

case_uploads as (

    select * from {{ ref('int_case_uploads_dated') }}

),

suspension_versions as (

    select * from {{ ref('stg_exchange__case_suspension_versions') }}

),

suspensions as (

    select
        department_code,
        case_no,
        suspension_seq,
        (array_agg(started_at order by uploaded_at desc, version_number desc))[1] as started_at,
        (array_agg(reason_type order by uploaded_at desc, version_number desc))[1] as reason_type,
        {{ shanghai_date('min(uploaded_at)') }} as first_uploaded_on
    from suspension_versions
    group by department_code, case_no, suspension_seq

),

final as (

    select
        'T3' as rule_id,
        suspensions.department_code,
        suspensions.case_no,
        null::integer as node_seq,
        greatest({{ shanghai_date('suspensions.started_at') }}, suspensions.first_uploaded_on) as detected_on,
        greatest(cases.completion_date, case_uploads.completion_first_uploaded_on) as corrected_on,
        false as exempt,
        null::date as exemption_registered_on,
        '第' || suspensions.suspension_seq || '次中止（' || coalesce(suspensions.reason_type, '')
        || '）始于 ' || {{ shanghai_date('suspensions.started_at') }} || '，承诺期限（'
        || cases.promised_due_date || '）已届满' as detail
    from suspensions
    inner join cases
        on cases.department_code = suspensions.department_code
        and cases.case_no = suspensions.case_no
    left join case_uploads
        on case_uploads.department_code = suspensions.department_code
        and case_uploads.case_no = suspensions.case_no
    where {{ shanghai_date('suspensions.started_at') }} > cases.promised_due_date

)

select * from final
