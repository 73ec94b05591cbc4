-- A1/A4: every anomaly of every rule, gathered into cards. A card is one rule on one case detected on
-- one day (A4: its id is derived from exactly these, so reruns and backfills keep it); anomalies of
-- one rule on one case detected the same day are one card with their details joined. A3: a card is
-- on a risk point when the case's power is one, or, for node anomalies, the node's post is one.
with late_cases as (

    select * from {{ ref('int_late_cases_detected') }}

),

late_suspensions as (

    select * from {{ ref('int_late_suspensions_detected') }}

),

late_extensions as (

    select * from {{ ref('int_late_extensions_detected') }}

),

record_anomalies as (

    select * from {{ ref('int_record_anomalies_episoded') }}

),

cases as (

    select * from {{ ref('int_cases_measured') }}

),

flow_nodes as (

    select * from {{ ref('stg_exchange__power_flow_nodes') }}

),

anomalies as (

    select
        rule_id, department_code, case_no, node_seq, detected_on, corrected_on, exempt,
        exemption_registered_on, detail
    from late_cases
    union all
    select
        rule_id, department_code, case_no, node_seq, detected_on, corrected_on, exempt,
        exemption_registered_on, detail
    from late_suspensions
    union all
    select
        rule_id, department_code, case_no, node_seq, detected_on, corrected_on, exempt,
        exemption_registered_on, detail
    from late_extensions
    union all
    select
        rule_id, department_code, case_no, node_seq, detected_on, corrected_on, exempt,
        exemption_registered_on, detail
    from record_anomalies

),

placed as (

    select
        anomalies.*,
        cases.department_name,
        cases.power_code,
        cases.power_name,
        coalesce(cases.is_risk_point, false) or coalesce(flow_nodes.is_risk_point, false) as is_risk_point
    from anomalies
    left join cases
        on cases.department_code = anomalies.department_code
        and cases.case_no = anomalies.case_no
    left join flow_nodes
        on flow_nodes.department_code = cases.department_code
        and flow_nodes.power_code = cases.power_code
        and flow_nodes.version = cases.power_version
        and flow_nodes.node_seq = anomalies.node_seq
    -- a case the platform no longer knows (its acceptance missing) gives no card
    where anomalies.detected_on is not null

),

final as (

    select
        'YC-' || rule_id || '-' || department_code || '-' || case_no || '-' || to_char(detected_on, 'YYYYMMDD')
            as card_id,
        rule_id,
        department_code,
        max(department_name) as department_name,
        case_no,
        max(power_code) as power_code,
        max(power_name) as power_name,
        detected_on as issued_on,
        -- corrected once every anomaly of the card is, never before the card was issued
        case when bool_and(corrected_on is not null)
            then greatest(max(corrected_on), detected_on) end as corrected_on,
        bool_and(exempt) as exempt,
        max(exemption_registered_on) as exemption_registered_on,
        bool_or(is_risk_point) as is_risk_point,
        -- the nodes concerned (node anomalies), as text: '2' or '2,3'
        string_agg(distinct node_seq::text, ',') as node_seqs,
        string_agg(distinct detail, '；') as detail
    from placed
    group by rule_id, department_code, case_no, detected_on

)

select * from final
