-- A1-A4 (S11(2), S11(3), S12): one row per card, as of the run. A yellow card is issued to the
-- responsible department the day its anomaly was detected, with a correction deadline of
-- card_correction_wd working days (A1); not corrected by then, it turns red the next day (A2). A card
-- revoked by the office, or by an exemption registered after its issue (T9), is kept and counted on
-- its revocation day (A4); a T6 card whose exemption was registered by the issue day was never issued.
with anomalies as (

    select * from {{ ref('int_anomalies_collected') }}

),

revocations as (

    select * from {{ ref('stg_exchange__card_revocations') }}

),

calendar as (

    select * from {{ ref('int_calendar_days_numbered') }}

),

rules as (

    select * from {{ ref('rules') }}

),

-- W1: the supervision tasks the office raised from a card
card_tasks as (

    select
        card_id,
        string_agg(task_no, ',' order by task_no) as supervision_task_nos
    from {{ ref('stg_exchange__supervision_tasks') }}
    where origin = 'card' and card_id is not null
    group by card_id

),

today as (

    select workday_number from calendar
    where calendar_date = {{ as_of_date() }}

),

office_revocations as (

    select
        card_id,
        {{ shanghai_date('min(revoked_at)') }} as revoked_on,
        (array_agg(reason order by revoked_at))[1] as reason
    from revocations
    where revoked_at is not null
    group by card_id

),

deadlines as (

    -- T2 counting: the card_correction_wd-th working day strictly after the issue day
    select
        anomalies.*,
        deadline_day.calendar_date as correction_deadline,
        deadline_day.workday_number as deadline_day_number
    from anomalies
    inner join calendar as issue_day
        on issue_day.calendar_date = anomalies.issued_on
    inner join calendar as deadline_day
        on deadline_day.workday_number = issue_day.workday_number + {{ var('card_correction_wd') }}
        and deadline_day.is_workday

),

revoked as (

    select
        deadlines.*,
        -- T9: exemptions registered by the issue day mean the card was never issued
        not (deadlines.exempt and coalesce(deadlines.exemption_registered_on <= deadlines.issued_on, true))
            as is_issued,
        case when deadlines.exempt and deadlines.exemption_registered_on > deadlines.issued_on
            then deadlines.exemption_registered_on end as exemption_revoked_on,
        office_revocations.revoked_on as office_revoked_on,
        office_revocations.reason as office_reason,
        case when deadlines.corrected_on <= {{ as_of_date() }} then deadlines.corrected_on end as corrected_by_now
    from deadlines
    left join office_revocations
        on office_revocations.card_id = deadlines.card_id

),

dated as (

    select
        revoked.*,
        case when is_issued then least(office_revoked_on, exemption_revoked_on) end as revoked_on,
        case
            when not is_issued then null
            when office_revoked_on is not null
                and (exemption_revoked_on is null or office_revoked_on <= exemption_revoked_on)
                then coalesce(office_reason, '监察室撤销')
            when exemption_revoked_on is not null then '事后登记免责期间（exemption registered later）'
        end as revocation_reason
    from revoked

),

laddered as (

    select
        dated.*,
        -- A2: not corrected (nor revoked) by the deadline, red the next day
        case
            when is_issued
                and {{ as_of_date() }} > correction_deadline
                and (corrected_by_now is null or corrected_by_now > correction_deadline)
                and (revoked_on is null or revoked_on > correction_deadline)
                then correction_deadline + 1
        end as red_on
    from dated

),

final as (

    select
        laddered.card_id,
        laddered.rule_id,
        rules.name_zh as rule_name,
        laddered.department_code,
        coalesce(laddered.department_name, laddered.department_code) as department_name,
        laddered.case_no,
        laddered.power_code,
        laddered.power_name,
        case when laddered.red_on is not null then 'red' else 'yellow' end as color,
        case when laddered.red_on is not null then '红牌' else '黄牌' end as color_zh,
        laddered.issued_on,
        laddered.correction_deadline,
        laddered.corrected_by_now as corrected_on,
        laddered.red_on,
        laddered.revoked_on,
        laddered.revocation_reason,
        laddered.exempt,
        laddered.is_issued,
        laddered.is_issued and laddered.revoked_on is null and not laddered.exempt as is_active,
        laddered.is_issued and laddered.revoked_on is null and not laddered.exempt
        and laddered.corrected_by_now is null as is_open,
        laddered.is_risk_point,
        laddered.node_seqs,
        laddered.detail,
        card_tasks.supervision_task_nos,
        -- working days left to correct an open yellow card (negative: past the deadline)
        case when laddered.is_issued and laddered.revoked_on is null and laddered.corrected_by_now is null
            then laddered.deadline_day_number - today.workday_number end as wd_to_deadline,
        {{ as_of() }} as as_of
    from laddered
    left join rules
        on rules.rule_id = laddered.rule_id
    left join card_tasks
        on card_tasks.card_id = laddered.card_id
    cross join today

)

select * from final
