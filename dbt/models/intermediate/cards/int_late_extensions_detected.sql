-- T8, A1: an extension approved (Beijing date) after the legal due date it was meant to extend had
-- passed. That date is the legal due date without the extensions: stepped back extension_wd working
-- days through the calendar (never weekday math). Detected when approved or first uploaded,
-- whichever is later; corrected by completing the case.
with cases as (

    select * from {{ ref('case_timeliness') }}

),

case_uploads as (

    select * from {{ ref('int_case_uploads_dated') }}

),

extension_versions as (

    select * from {{ ref('stg_exchange__case_extension_versions') }}

),

calendar as (

    select * from {{ ref('int_calendar_days_numbered') }}

),

extensions as (

    select
        department_code,
        case_no,
        extension_seq,
        (array_agg(extra_wd order by uploaded_at desc, version_number desc))[1] as extra_wd,
        (array_agg(approved_at order by uploaded_at desc, version_number desc))[1] as approved_at,
        {{ shanghai_date('min(uploaded_at)') }} as first_uploaded_on
    from extension_versions
    group by department_code, case_no, extension_seq

),

base_due as (

    select
        cases.department_code,
        cases.case_no,
        cases.completion_date,
        base_day.calendar_date as base_legal_due_date
    from cases
    inner join calendar as legal_day
        on legal_day.calendar_date = cases.legal_due_date
    inner join calendar as base_day
        on base_day.workday_number = legal_day.workday_number - cases.extension_wd
        and base_day.is_workday

),

final as (

    select
        'T8' as rule_id,
        extensions.department_code,
        extensions.case_no,
        null::integer as node_seq,
        greatest({{ shanghai_date('extensions.approved_at') }}, extensions.first_uploaded_on) as detected_on,
        greatest(base_due.completion_date, case_uploads.completion_first_uploaded_on) as corrected_on,
        false as exempt,
        null::date as exemption_registered_on,
        '第' || extensions.extension_seq || '次延长（' || extensions.extra_wd || '个工作日）批准于 '
        || {{ shanghai_date('extensions.approved_at') }} || '，法定期限（' || base_due.base_legal_due_date
        || '）已届满' as detail
    from extensions
    inner join base_due
        on base_due.department_code = extensions.department_code
        and base_due.case_no = extensions.case_no
    left join case_uploads
        on case_uploads.department_code = extensions.department_code
        and case_uploads.case_no = extensions.case_no
    where extensions.extra_wd > 0
        and {{ shanghai_date('extensions.approved_at') }} > base_due.base_legal_due_date

)

select * from final
