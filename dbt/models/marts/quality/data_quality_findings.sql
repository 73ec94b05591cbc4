-- Q1-Q9: one row per breach of a data-quality rule as the data stands at the run's evaluation
-- time. Each check model holds every record its rule checks; the Great Expectations suite of the
-- rule validates the same relation, so its unexpected counts equal these rows per rule. W1-W3: the
-- workflow breaches (int_workflow_findings).
{%- set checks = [
    'int_quality_q3_power_flows',
    'int_quality_q4_negative_opinions',
    'int_quality_q5_case_powers',
    'int_quality_q6_power_codes',
    'int_quality_q7_handler_accounts',
    'int_quality_q8_record_versions',
    'int_quality_q9_case_traces',
] %}
with upload_timeliness as (

    select * from {{ ref('upload_timeliness') }}

),

power_catalogue as (

    select * from {{ ref('power_catalogue') }}

),

rules as (

    select * from {{ ref('rules') }}

),

units as (

    select * from {{ ref('units') }}

),

late_uploads as (

    select
        'Q1' as rule_id,
        department_code,
        record_type,
        record_key,
        split_part(record_key, '/', 1) as case_no,
        coalesce(first_uploaded_at, occurred_at) as detected_at,
        case
            when first_uploaded_at is null then '事件未上传'
            else '发生后' || delay_hours || '小时才上传（限' || {{ var('upload_deadline_hours') }} || '小时）'
        end as detail
    from upload_timeliness
    where is_late or first_uploaded_at is null

),

incomplete_powers as (

    select
        'Q2' as rule_id,
        department_code,
        'power_item' as record_type,
        power_code || ' v' || version as record_key,
        null::text as case_no,
        uploaded_at as detected_at,
        '缺少' || concat_ws(
            '、',
            case when name is null then '名称' end,
            case when category is null then '类别' end,
            case when handling_division is null then '承办处室' end,
            case when promised_limit_wd is null then '承诺期限' end,
            case when location is null then '办理地点' end,
            case when phone is null then '咨询电话' end,
            case when service_guide is null then '办事指南' end,
            case when legal_basis is null then '法律依据' end,
            case when required_materials is null then '申请材料' end,
            case when flow_node_count = 0 then '内部流程' end,
            case when not has_required_discretion_standard then '裁量基准' end
        ) as detail
    from power_catalogue
    where status = 'confirmed' and not is_static_information_complete

),

checked_breaches as (

    {%- for check in checks %}
    {{ 'union all' if not loop.first }}
    select rule_id, department_code, record_type, record_key, case_no, detected_at, detail
    from {{ ref(check) }}
    where is_breach
    {%- endfor %}

),

findings as (

    select * from late_uploads
    union all
    select * from incomplete_powers
    union all
    select * from checked_breaches
    union all
    select * from {{ ref('int_workflow_findings') }}

),

final as (

    select
        findings.rule_id,
        rules.name_zh as rule_name,
        rules.article,
        rules.owner,
        findings.department_code,
        coalesce(units.name_zh, findings.department_code) as department_name,
        findings.record_type,
        findings.record_key,
        findings.case_no,
        findings.detected_at,
        {{ shanghai_date('findings.detected_at') }} as detected_date,
        findings.detail,
        {{ as_of() }} as as_of
    from findings
    left join rules on rules.rule_id = findings.rule_id
    left join units on units.department_code = findings.department_code

)

select * from final
