-- One row per power of the catalogue (latest version), with its static information and
-- internal flow (Q2: O17(2), C8, S9(1); Q3: O18) so the expectations and the disclosure
-- figures read one place.
with power_items as (

    select * from {{ ref('stg_exchange__power_items') }}

),

flow_nodes as (

    select * from {{ ref('stg_exchange__power_flow_nodes') }}

),

units as (

    select * from {{ ref('units') }}

),

latest_versions as (

    select
        *,
        row_number() over (partition by department_code, power_code order by version desc) = 1 as is_latest
    from power_items

),

flows as (

    select
        department_code,
        power_code,
        version,
        count(*) as flow_node_count,
        sum(limit_wd) as flow_limit_wd
    from flow_nodes
    group by department_code, power_code, version

),

catalogued as (

    select
        latest_versions.department_code,
        coalesce(units.name_zh, latest_versions.department_code) as department_name,
        latest_versions.power_code,
        latest_versions.version,
        latest_versions.category,
        latest_versions.name,
        latest_versions.handling_division,
        latest_versions.legal_limit_wd,
        latest_versions.promised_limit_wd,
        latest_versions.location,
        latest_versions.phone,
        latest_versions.service_guide,
        latest_versions.legal_basis,
        latest_versions.required_materials,
        latest_versions.discretion_standard,
        latest_versions.standard_fee,
        coalesce(latest_versions.is_risk_point, false) as is_risk_point,
        latest_versions.status,
        latest_versions.effective_from,
        latest_versions.effective_to,
        coalesce(flows.flow_node_count, 0) as flow_node_count,
        flows.flow_limit_wd,
        -- Q2: a penalty power (CF) also publishes its discretion standards.
        coalesce(latest_versions.category != 'CF', true) or latest_versions.discretion_standard is not null
            as has_required_discretion_standard,
        latest_versions.uploaded_at,
        {{ as_of() }} as as_of
    from latest_versions
    left join flows
        on flows.department_code = latest_versions.department_code
        and flows.power_code = latest_versions.power_code
        and flows.version = latest_versions.version
    left join units on units.department_code = latest_versions.department_code
    where latest_versions.is_latest

),

final as (

    select
        *,
        -- Q2 (O17(2), C8, S9(1)): every item of static information, a flow, and for penalties the
        -- discretion standards. legal_limit_wd may be null: "no statutory limit" is an answer.
        coalesce(
            name is not null and category is not null and handling_division is not null
            and promised_limit_wd is not null and location is not null and phone is not null
            and service_guide is not null and legal_basis is not null and required_materials is not null
            and flow_node_count > 0 and has_required_discretion_standard,
            false
        ) as is_static_information_complete
    from catalogued

)

select * from final
