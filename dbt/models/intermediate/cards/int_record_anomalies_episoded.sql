-- A1/A2 (ADR 0005): record anomalies (Q4, Q7, A1.order, Q5, A1.fee, Q9) as episodes. Each check
-- model judges a record at every upload instant that can change it; an episode starts at the first
-- instant that shows the anomaly (detection: its Beijing date, or the event's date if that is later)
-- and ends at the first later instant that no longer shows it (correction). A record that breaks
-- again after a correction starts a new episode, so a new card.
with states as (

    select * from {{ ref('int_node_opinions_checked') }}
    union all
    select * from {{ ref('int_node_handlers_checked') }}
    union all
    select * from {{ ref('int_node_orders_checked') }}
    union all
    select * from {{ ref('int_case_powers_checked') }}
    union all
    select * from {{ ref('int_case_fees_checked') }}
    union all
    select * from {{ ref('int_case_flows_checked') }}

),

ordered as (

    select
        *,
        lag(is_anomaly) over (
            partition by rule_id, department_code, case_no, record_key order by checked_at
        ) as was_anomaly
    from states

),

changes as (

    -- only the instants where the state flips: anomaly starts, then corrections, alternating
    select * from ordered
    where is_anomaly <> coalesce(was_anomaly, false)

),

bounded as (

    select
        *,
        lead(checked_at) over (
            partition by rule_id, department_code, case_no, record_key order by checked_at
        ) as corrected_at
    from changes

),

final as (

    select
        rule_id,
        department_code,
        case_no,
        node_seq,
        record_key,
        checked_at as detected_at,
        corrected_at,
        greatest({{ shanghai_date('checked_at') }}, event_on) as detected_on,
        {{ shanghai_date('corrected_at') }} as corrected_on,
        false as exempt,
        null::date as exemption_registered_on,
        detail
    from bounded
    where is_anomaly

)

select * from final
