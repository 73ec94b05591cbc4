-- P1: the scoring rules seed as one row per version and unit type, a column per parameter, with
-- the first day the next version takes over. Counties are scored like departments (P1), so the
-- department rows also serve unit type county; every unit type grades with the department's
-- thresholds. A part a unit type does not have weighs 0.
with scoring_rules as (

    select * from {{ ref('scoring_rules') }}

),

unit_types as (

    select
        rule_version,
        unit_type,
        unit_type as rules_unit_type
    from scoring_rules
    union
    select
        rule_version,
        'county',
        'department'
    from scoring_rules
    where unit_type = 'department'

),

versions as (

    select
        rule_version,
        min(effective_from) as effective_from
    from scoring_rules
    group by rule_version

),

pivoted as (

    select
        unit_types.rule_version,
        unit_types.unit_type,
        {%- for part, parameter in [
            ('base', 'points'),
            ('timeliness', 'weight'), ('timeliness', 'points_per_share'),
            ('uploads', 'weight'), ('uploads', 'points_per_share'),
            ('cards', 'weight'), ('cards', 'points_per_yellow'), ('cards', 'points_per_red'),
            ('workflows', 'weight'), ('workflows', 'points_per_breach'),
            ('nodes', 'weight'), ('nodes', 'points_per_share'),
            ('bonus', 'points_per_step'), ('bonus', 'step_share'), ('bonus', 'cap'),
        ] %}
        coalesce(max(scoring_rules.value) filter (
            where scoring_rules.part = '{{ part }}' and scoring_rules.parameter = '{{ parameter }}'
        ), 0) as {{ part }}_{{ parameter }},
        {%- endfor %}
        {%- for parameter in ['excellent_min', 'good_min', 'pass_min'] %}
        max(grades.value) filter (where grades.parameter = '{{ parameter }}') as grade_{{ parameter }}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from unit_types
    left join scoring_rules
        on scoring_rules.rule_version = unit_types.rule_version
        and scoring_rules.unit_type = unit_types.rules_unit_type
    left join scoring_rules as grades
        on grades.rule_version = unit_types.rule_version
        and grades.unit_type = 'department'
        and grades.part = 'grade'
    group by unit_types.rule_version, unit_types.unit_type

),

final as (

    select
        pivoted.*,
        versions.effective_from,
        lead(versions.effective_from) over (
            partition by pivoted.unit_type order by versions.effective_from
        ) as superseded_from
    from pivoted
    inner join versions
        on versions.rule_version = pivoted.rule_version

)

select * from final
