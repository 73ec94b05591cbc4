"""Simulated exchange databases (前置库) for Yancheng: what the city's source systems would send.

One exchange database per source on a PostgreSQL server, named ``exchange_<source name>``, schema
``exchange``, tables exactly as :mod:`esup.exchange` defines them:

- one ``department`` source per unit of ``dbt/seeds/units.csv`` (catalogue with all eleven power
  categories, internal flows, accounts, and months of cases with nodes, suspensions, extensions and
  completions),
- ``legal_office`` (catalogue change requests), ``portal`` (complaints) and ``supervision``
  (supervision tasks, card revocations, exemptions).

The data carries a small, counted share of what real systems send wrong (late uploads, placeholder
reasons, back-dated corrections, duplicates, unknown codes, impossible timestamps, ...). Unit XSX
(响水县) runs a legacy system with all-text exchange tables; a few of its rows cannot be typed at all.
Every injected error is counted per source and table in the summary, so tests and the ingestion can
reconcile: source rows = loaded + quarantined.

Deterministic: the same seed and flags give the same rows, exchange_ids included. Each source draws
from its own random stream, so sources can be written in parallel processes.

Times are handled internally as integer seconds since 1970-01-01 00:00 Asia/Shanghai ("local
seconds"; Shanghai has had no DST since 1991) and written as ``YYYY-MM-DD HH:MM:SS+08``.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import heapq
import json
import math
import multiprocessing
import operator
import os
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from esup import pg, settings
from esup.exchange import TABLES_BY_NAME, ExchangeTable, column_type, exchange_ddl, tables_of_kind
from esup.sources import Source, write_sources

# --------------------------------------------------------------------------------------------
# Settings of the simulation
# --------------------------------------------------------------------------------------------

SIZES = {"tiny": 600, "small": 20_000, "medium": 100_000, "large": 1_000_000}
DEFAULT_SIZE = "small"
DEFAULT_SEED = 2010
DEFAULT_START = date(2026, 6, 1)
DEFAULT_END = date(2026, 11, 20)
DATABASE_PREFIX = "exchange_"
SCHEMA = "exchange"
SUMMARY_FILE = "simulation_summary.json"
# Units whose case-handling system is a legacy one exposing all-text exchange tables.
LEGACY_ALL_TEXT_UNITS = frozenset({"XSX"})
# From this many cases on, department sources are written by parallel worker processes.
PARALLEL_FROM_CASES = 50_000
COPY_CHUNK_ROWS = 10_000

DAY = 86_400
HOUR = 3_600
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
WHITESPACE = " \u3000"  # ASCII and full-width space: what stray whitespace in Chinese data looks like
BAD_TIMESTAMP = "2026-13-45 25:61:00"

# Shares of the realistic process (per case unless said otherwise).
P_SUSPENSION = 0.10
P_SECOND_SUSPENSION = 0.15  # of suspended cases: a second, overlapping suspension
P_EXTENSION = 0.035  # of cases on powers with a legal limit
P_STUCK = 0.012  # cases that stall far beyond their limit
P_LATE = 0.04
P_ON_TIME = 0.22
P_RETURN = 0.04  # a middle node returns the file for rework
P_WEEKEND_DAY_WEIGHT = 0.03  # acceptance volume of a weekend/holiday relative to a working day
P_OFF_HOURS = 0.03

# Shares of injected errors.
P_PLACEHOLDER_REASON = 0.2  # of negative opinions
P_DUPLICATE = 0.006  # of rows of the tables in DUPLICATE_TABLES
P_STRAGGLER_LATE = 0.012  # of uploads: more than 24 h late
P_STRAGGLER = 0.02  # of uploads: hours late, still within 24 h (rows out of event-time order)
P_GARBLED = 0.006  # of rows of an all-text source: an extra unparsable row
P_EMPTY_ID = 0.002
P_NAME_WHITESPACE = 0.003
P_OPINION_EMPTY = 0.002
P_OPINION_WHITESPACE = 0.002
# At most one of these per case, drawn in this order.
CASE_INJECTIONS = (
    ("unknown_code", 0.002),
    ("unconfirmed_power", 0.004),
    ("missing_nodes", 0.003),
    ("impossible_timestamp", 0.003),
    ("backdated_completion", 0.004),
    ("fee_above_standard", 0.003),
    ("handler_without_post", 0.002),
)

# Error kinds of the summary and what each counts (rows, unless said otherwise).
ERROR_KINDS = {
    "late_upload": "case rows uploaded more than 24 h after their event "
                   "(event = accepted_at, coalesce(finished_at, started_at), coalesce(ended_at, started_at), "
                   "approved_at, completed_at; events before the start date not counted)",
    "out_of_order": "case rows whose event time is earlier than the latest event time of a row with a "
                    "smaller exchange_id in the same table",
    "duplicate": "exact copies of an earlier row (same content, uploaded_at included, new exchange_id)",
    "placeholder_reason": "case_node rows with opinion disagree/return and a reason that is null, blank, "
                          "不同意, 无 or 同上",
    "backdated_completion": "case_completed rows whose completed_at is earlier than that of a row of the "
                            "same case uploaded before it",
    "unconfirmed_power": "case_accepted rows whose power_code is in the catalogue but had no confirmed "
                         "version in force (confirmed_at <= accepted_at, effective_from <= accepted date "
                         "< effective_to) when accepted",
    "unknown_code": "case_accepted rows whose power_code is not in the catalogue; complaint rows whose "
                    "target_department_code is not a unit of units.csv",
    "impossible_timestamp": "case_completed rows completed before acceptance or before 2000; case_node rows "
                            "finished before 2000",
    "missing_nodes": "case_completed rows (one per case) of cases with fewer distinct nodes than the "
                     "version-1 flow of their power (handled offline, Q9)",
    "fee_above_standard": "case_completed rows whose fee_charged is above every standard_fee of the power",
    "handler_without_post": "case_node rows whose handler_account holds the node's post in no version",
    "flow_exceeds_promise": "power_item rows (first upload of a power version) whose flow limits sum to "
                            "more than the promised limit (Q3)",
    "incomplete_power": "power_item rows with a null or blank name, handling_division, location, phone, "
                        "service_guide, legal_basis or required_materials (Q2)",
    "unapproved_account": "account rows without approved_by or approved_at (Q7)",
    "empty_string": "rows with an empty string ('') in a text column",
    "stray_whitespace": "rows with a text value that starts or ends with a space or a full-width space",
    "reject_without_reason": "complaint_action rows with action reject and a null or blank reason",
    "return_without_reason": "supervision_task_action rows with action return and a null or blank reason "
                             "or no new_deadline_date",
    "unparsable": "rows of an all-text source with a value that cannot be cast to the contract type, or a "
                  "null or blank business key column",
}

EVENT_COLUMNS = {
    "case_accepted": ("accepted_at",),
    "case_node": ("finished_at", "started_at"),
    "case_suspension": ("ended_at", "started_at"),
    "case_extension": ("approved_at",),
    "case_completed": ("completed_at",),
}
DUPLICATE_TABLES = frozenset(
    {"case_accepted", "case_node", "case_suspension", "case_completed", "complaint", "complaint_action",
     "supervision_task_action"}
)
PLACEHOLDER_REASONS = ("", None, "不同意", "无", "同上")
REQUIRED_POWER_FIELDS = (
    "name", "handling_division", "location", "phone", "service_guide", "legal_basis", "required_materials",
)

CATEGORIES = ("XK", "CF", "FXK", "ZS", "QZ", "QR", "JF", "JL", "ZY", "CJ", "QT")
CATEGORY_NAMES = {
    "XK": "行政许可", "CF": "行政处罚", "FXK": "非行政许可审批", "ZS": "行政征收", "QZ": "行政强制",
    "QR": "行政确认", "JF": "行政给付", "JL": "行政奖励", "ZY": "行政征用", "CJ": "行政裁决", "QT": "其他",
}
# Relative case volume of a category, and how many of its powers a unit lists.
CATEGORY_WEIGHT = {"XK": 30, "CF": 12, "FXK": 6, "ZS": 4, "QZ": 3, "QR": 30, "JF": 5, "JL": 2, "ZY": 1,
                   "CJ": 1.5, "QT": 8}
COMPANY_SHARE = {"XK": 0.65, "CF": 0.55, "FXK": 0.6, "ZS": 0.7, "QZ": 0.5, "QR": 0.35, "JF": 0.05,
                 "JL": 0.3, "ZY": 0.6, "CJ": 0.4, "QT": 0.4}
RISK_SHARE = {"CF": 0.4, "QZ": 0.4, "XK": 0.2, "ZS": 0.2}
# (legal limit choices; None = no statutory limit), (promised range)
LIMITS = {
    "XK": ((20,), (1, 15)), "CF": ((60, None), (15, 20)), "FXK": ((20, None), (3, 15)),
    "ZS": ((10, None), (1, 5)), "QZ": ((20,), (5, 15)), "QR": ((30,), (1, 10)), "JF": ((20, None), (5, 15)),
    "JL": ((None,), (10, 20)), "ZY": ((None,), (1, 5)), "CJ": ((60, None), (15, 20)),
    "QT": ((None,), (3, 15)),
}
# Result mix of a category: (result, weight).
RESULTS = {
    "CF": (("penalised", 88), ("other", 12)),
    "QZ": (("other", 75), ("approved", 25)),
    "ZY": (("other", 100),),
    "QT": (("other", 60), ("approved", 40)),
}
DEFAULT_RESULTS = (("approved", 90), ("rejected", 7), ("withdrawn", 3))
SUSPENSION_TYPES = (  # reason_type, weight, WD range
    ("hearing", 12, (5, 20)), ("expert_review", 25, (3, 15)), ("testing", 30, (2, 10)),
    ("quarantine", 8, (3, 15)), ("other", 25, (1, 10)),
)

# --------------------------------------------------------------------------------------------
# Content: what the catalogues of Yancheng's units hold
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Domain:
    """A field of administration: its bureau name, divisions, laws and powers by category."""

    bureau: str
    divisions: tuple[str, ...]
    laws: tuple[str, ...]
    powers: dict[str, tuple[str, ...]]


def _domain(bureau: str, divisions: str, laws: str, **powers: str) -> Domain:
    return Domain(bureau, tuple(divisions.split()), tuple(laws.split()),
                  {cat: tuple(names.split()) for cat, names in powers.items()})


DOMAINS: dict[str, Domain] = {
    "market": _domain(
        "市场监督管理局",
        "登记注册处 食品经营安全监督管理处 食品生产安全监督管理处 特种设备安全监察处 药品流通监督管理处 "
        "价格监督检查和反不正当竞争处 执法稽查局 知识产权保护处",
        "《中华人民共和国食品安全法》 《中华人民共和国特种设备安全法》 《中华人民共和国产品质量法》 "
        "《中华人民共和国反不正当竞争法》 《中华人民共和国市场主体登记管理条例》 《中华人民共和国药品管理法》",
        XK="食品经营许可证核发 食品生产许可证核发 特种设备安装改造维修许可 药品零售企业经营许可 工业产品生产许可证核发 "
           "计量标准器具核准 移动式压力容器充装许可 医疗器械经营许可",
        CF="对经营超过保质期食品的行政处罚 对未取得食品经营许可从事食品经营活动的行政处罚 "
           "对作虚假或者引人误解的商业宣传的行政处罚 对使用未经定期检验特种设备的行政处罚 对生产销售不合格产品的行政处罚 "
           "对未按规定公示年度报告的行政处罚 对哄抬价格行为的行政处罚 对侵犯注册商标专用权行为的行政处罚",
        FXK="药品广告审查 食品小作坊登记证核发 特殊医学用途配方食品广告审查",
        ZS="特种设备检验检测费征收 计量器具强制检定费征收",
        QZ="查封扣押不符合食品安全标准的食品 查封违法从事生产经营活动的场所 扣押不符合安全技术规范要求的特种设备",
        QR="市场主体设立登记 市场主体变更登记 动产抵押登记 特种设备使用登记",
        JF="个体工商户纾困补贴给付 首次商标注册资助资金给付",
        JL="对举报食品安全违法行为的奖励 市长质量奖评选表彰 对举报假冒伪劣产品行为的奖励",
        ZY="食品安全事故应急处置中征用检验检测设备",
        CJ="企业名称争议裁决 专利侵权纠纷行政裁决",
        QT="消费者投诉举报处理 企业经营异常名录移出 食品安全事故调查处理",
    ),
    "housing": _domain(
        "住房和城乡建设局",
        "建筑市场监管处 工程质量安全监管处 房地产市场监管处 城市建设处 住房保障处 村镇建设处 燃气管理处",
        "《中华人民共和国建筑法》 《建设工程质量管理条例》 《中华人民共和国城市房地产管理法》 《城镇燃气管理条例》 "
        "《物业管理条例》 《建设工程消防设计审查验收管理暂行规定》",
        XK="建筑工程施工许可证核发 商品房预售许可 建筑业企业资质核准 燃气经营许可证核发 城市建筑垃圾处置核准 "
           "建设工程消防设计审查 燃气设施改动审批",
        CF="对未取得施工许可证擅自施工的行政处罚 对施工单位违反工程质量管理规定的行政处罚 "
           "对房地产开发企业违规销售商品房的行政处罚 对燃气经营企业违法行为的行政处罚 "
           "对物业服务企业违反物业管理规定的行政处罚 对违法分包转包行为的行政处罚",
        FXK="超限高层建筑工程抗震设防审批 城市新建民用建筑配建防空地下室审核 建设工程项目招标方式核准",
        ZS="城市基础设施配套费征收 城镇垃圾处理费征收 防空地下室易地建设费征收",
        QZ="查封违法建设施工现场 扣押违法施工机械设备 强制拆除违法建设工程",
        QR="建设工程消防验收 房屋建筑工程竣工验收备案 商品房买卖合同网签备案",
        JF="公共租赁住房租赁补贴发放 城镇住房困难家庭住房保障补贴给付",
        JL="市级优质工程奖评选表彰 对举报违法建设行为的奖励",
        ZY="抢险救灾中征用施工机械设备",
        CJ="国有土地上房屋征收补偿决定 物业服务收费争议处理",
        QT="建筑工程质量投诉处理 建设工程招标投标情况书面报告备案",
    ),
    "land": _domain(
        "自然资源和规划局",
        "国土空间规划处 建设用地审批处 不动产登记中心 耕地保护监督处 矿产资源管理处 测绘地理信息处 执法监察支队",
        "《中华人民共和国土地管理法》 《中华人民共和国城乡规划法》 《中华人民共和国矿产资源法》 《不动产登记暂行条例》 "
        "《中华人民共和国测绘法》",
        XK="建设用地规划许可证核发 建设工程规划许可证核发 乡村建设规划许可证核发 采矿许可证核发 临时用地审批 "
           "国有建设用地使用权划拨审批",
        CF="对未经批准非法占用土地的行政处罚 对未取得建设工程规划许可证进行建设的行政处罚 对无证采矿的行政处罚 "
           "对违法测绘行为的行政处罚 对破坏耕地行为的行政处罚",
        FXK="建设项目用地预审与选址意见书核发 开发未确定使用权的国有荒山荒地审批",
        ZS="土地复垦费征收 耕地开垦费征收 土地闲置费征收",
        QZ="查封扣押与非法采矿有关的工具设备 查封违法占地施工场所",
        QR="不动产首次登记 不动产转移登记 不动产抵押登记 不动产变更登记",
        JF="耕地地力保护补贴资金给付",
        JL="对测绘工作中作出突出贡献的单位和个人的奖励 对举报违法用地行为的奖励",
        ZY="抢险救灾临时征用土地",
        CJ="土地权属争议行政裁决 林地林木权属争议处理",
        QT="规划条件核实 国有建设用地使用权出让",
    ),
    "environment": _domain(
        "生态环境局",
        "环境影响评价与排放管理处 大气环境处 水生态环境处 固体废物与化学品处 辐射安全管理处 生态环境执法局 "
        "土壤生态环境处",
        "《中华人民共和国环境保护法》 《中华人民共和国环境影响评价法》 《中华人民共和国大气污染防治法》 "
        "《中华人民共和国水污染防治法》 《中华人民共和国固体废物污染环境防治法》 《排污许可管理条例》",
        XK="建设项目环境影响报告书审批 建设项目环境影响报告表审批 排污许可证核发 危险废物经营许可证核发 辐射安全许可证核发",
        CF="对超标排放大气污染物的行政处罚 对建设项目未批先建的行政处罚 对违法处置危险废物的行政处罚 对无证排污的行政处罚 "
           "对篡改伪造监测数据的行政处罚",
        FXK="入河排污口设置审核 危险废物跨省转移审批",
        ZS="生态环境损害赔偿资金收缴",
        QZ="查封扣押造成污染物排放的设施设备 查封违法排污场所",
        QR="突发环境事件应急预案备案 排污单位自行监测方案备案",
        JF="大气污染防治专项资金给付",
        JL="对举报环境违法行为的奖励",
        ZY="突发环境事件应急处置中征用物资设备",
        CJ="环境污染损害赔偿纠纷调解处理",
        QT="环境信访投诉处理 清洁生产审核评估验收",
    ),
    "transport": _domain(
        "交通运输局",
        "运输管理处 公路管理处 港航事业发展中心 综合执法支队 建设管理处 安全监督处",
        "《中华人民共和国道路运输条例》 《中华人民共和国公路法》 《中华人民共和国港口法》 "
        "《巡游出租汽车经营服务管理规定》 《超限运输车辆行驶公路管理规定》",
        XK="道路旅客运输经营许可 道路货物运输经营许可 出租汽车经营许可 公路超限运输许可 涉路施工许可 港口经营许可",
        CF="对未取得道路运输经营许可擅自从事道路运输的行政处罚 对车辆违法超限运输的行政处罚 "
           "对出租汽车驾驶员违规经营的行政处罚 对水路运输违法行为的行政处罚 对擅自占用挖掘公路的行政处罚",
        FXK="公路建设项目施工许可 更新采伐护路林审批",
        ZS="公路路产损失赔偿费收缴 车辆通行费征收",
        QZ="暂扣非法营运车辆 扣留违法超限运输车辆",
        QR="道路运输从业人员从业资格认定 机动车维修经营备案",
        JF="城市公交成品油价格补助给付 农村客运补贴资金给付",
        JL="对举报非法营运行为的奖励",
        ZY="紧急情况下征用运输工具",
        CJ="公路路产损害赔偿争议处理",
        QT="交通运输服务投诉处理 出租汽车驾驶员从业资格注册",
    ),
    "health": _domain(
        "卫生健康委员会",
        "医政医管处 疾病预防控制处 妇幼健康处 综合监督处 基层卫生健康处 人口监测与家庭发展处 卫生健康监督所",
        "《中华人民共和国基本医疗卫生与健康促进法》 《医疗机构管理条例》 《中华人民共和国医师法》 《公共场所卫生管理条例》 "
        "《中华人民共和国传染病防治法》 《中华人民共和国母婴保健法》",
        XK="医疗机构执业许可 医师执业注册 护士执业注册 公共场所卫生许可 放射诊疗许可 母婴保健技术服务执业许可",
        CF="对非法行医的行政处罚 对医疗机构违规执业的行政处罚 对公共场所卫生违法行为的行政处罚 "
           "对供水单位违反卫生规定的行政处罚 对医疗废物处置违法行为的行政处罚",
        FXK="医疗广告审查 乙类大型医用设备配置审核",
        ZS="预防接种异常反应鉴定费收缴",
        QZ="对甲类传染病病人强制隔离治疗 封存被污染的公共饮用水源 查封非法行医场所",
        QR="出生医学证明签发 医疗事故技术鉴定 职业病诊断鉴定",
        JF="计划生育家庭特别扶助金给付 农村部分计划生育家庭奖励扶助金给付",
        JL="对传染病防治工作中作出显著成绩的单位和个人的表彰奖励 无偿献血表彰奖励",
        ZY="突发公共卫生事件应急征用房屋交通工具及相关设施设备",
        CJ="医疗损害争议行政调解",
        QT="医疗服务投诉处理 传染病疫情报告管理",
    ),
    "police": _domain(
        "公安局",
        "治安管理支队 交通警察支队 出入境管理支队 户政管理处 网络安全保卫支队 法制支队 禁毒支队",
        "《中华人民共和国治安管理处罚法》 《中华人民共和国道路交通安全法》 《中华人民共和国出境入境管理法》 "
        "《中华人民共和国居民身份证法》 《民用爆炸物品安全管理条例》",
        XK="户口迁移审批 爆破作业单位许可 剧毒化学品购买许可 大型群众性活动安全许可 旅馆业特种行业许可证核发 "
           "公章刻制业特种行业许可 内地居民往来港澳通行证签发",
        CF="对违反治安管理行为的行政处罚 对道路交通安全违法行为的行政处罚 对违反出境入境管理规定的行政处罚 "
           "对违反网络安全管理规定的行政处罚 对违规经营旅馆业的行政处罚",
        FXK="机动车临时通行牌证核发 校车驾驶资格审核",
        ZS="居民身份证工本费征收 机动车号牌工本费征收",
        QZ="强制传唤 扣留机动车 强制隔离戒毒 扣押涉案物品",
        QR="居民身份证核发 机动车注册登记 出生登记",
        JF="见义勇为伤亡人员抚恤金给付",
        JL="见义勇为表彰奖励 对举报违法犯罪线索的奖励",
        ZY="紧急情况下征用单位和个人的交通工具和通信工具",
        CJ="道路交通事故损害赔偿调解",
        QT="治安调解 公民身份号码更正",
    ),
    "approval": _domain(
        "行政审批局",
        "投资项目审批处 社会事务审批处 市场准入审批处 建设工程审批处 农业水利审批处 政务服务管理处",
        "《中华人民共和国行政许可法》 《企业投资项目核准和备案管理条例》 《中华人民共和国民办教育促进法》 "
        "《人力资源市场暂行条例》 《旅行社条例》 《中华人民共和国水法》",
        XK="企业投资项目核准 民办学校设立审批 人力资源服务许可 劳务派遣经营许可 旅行社设立许可 娱乐场所经营许可 "
           "出版物零售业务许可 取水许可 农作物种子生产经营许可",
        CF="对以欺骗贿赂等不正当手段取得行政许可的行政处罚 对涂改倒卖出租出借行政许可证件的行政处罚",
        FXK="政府投资项目可行性研究报告审批 政府投资项目初步设计审批",
        ZS="水资源费征收",
        QZ="收缴以欺骗手段取得的许可证件",
        QR="社会团体成立登记 民办非企业单位成立登记",
        JF="创业担保贷款贴息资金给付",
        JL="对举报行政审批违法违规行为的奖励",
        ZY="应急状态下征用政务服务场所设施",
        CJ="水事纠纷行政裁决",
        QT="政务服务好差评投诉处理 证照遗失补办",
    ),
}
# The city department whose field a unit code covers; counties cover every field.
DEPARTMENT_DOMAINS = {
    "SCJGJ": "market", "ZJJ": "housing", "ZRZYGHJ": "land", "STHJJ": "environment", "JTYSJ": "transport",
    "WJW": "health", "GAJ": "police", "XZSPJ": "approval",
}
# Share of all cases a unit handles (units not named here get the average of the rest).
UNIT_CASE_WEIGHT = {
    "XZSPJ": 14, "SCJGJ": 10, "GAJ": 9, "ZRZYGHJ": 6, "ZJJ": 5, "WJW": 4, "JTYSJ": 4, "STHJJ": 3,
    "DTS": 6, "YDQ": 5.5, "THQ": 5.5, "JHX": 5, "SYX": 5, "FNX": 5, "BHX": 4.5, "DFQ": 5, "XSX": 4,
}
COASTAL_UNITS = ("XSX", "BHX", "SYX", "DFQ", "DTS")
# Fixed fees of well-known items (yuan); other fee-charging items get a plausible amount.
KNOWN_FEES = {
    "不动产首次登记": 80, "不动产转移登记": 80, "不动产抵押登记": 80, "居民身份证工本费征收": 20,
    "机动车号牌工本费征收": 100, "内地居民往来港澳通行证签发": 60, "机动车注册登记": 10,
}

# Internal flow templates by category: (node name, role). Roles map to posts.
FLOW_TEMPLATES = {
    "CF": (("立案", "ZF"), ("调查取证", "ZF"), ("法制审核", "FZ"), ("处罚决定", "SP"), ("送达执行", "BJ")),
    "QZ": (("立案审批", "ZF"), ("现场实施", "ZF"), ("法制审核", "FZ"), ("强制决定", "SP"), ("送达解除", "BJ")),
    "QR": (("受理", "SL"), ("审核", "SC"), ("复核", "SH"), ("确认登记", "SP"), ("发证", "BJ")),
    "ZS": (("受理", "SL"), ("核定", "SC"), ("审核", "SH"), ("征收决定", "SP"), ("缴款办结", "BJ")),
    "JF": (("受理", "SL"), ("审核", "SC"), ("公示", "SH"), ("审批", "SP"), ("发放", "BJ")),
    "JL": (("受理", "SL"), ("审核", "SC"), ("评审公示", "SH"), ("奖励决定", "SP"), ("兑现", "BJ")),
    "ZY": (("征用申请", "SL"), ("核实", "ZF"), ("审核", "SH"), ("征用决定", "SP"), ("补偿归还", "BJ")),
    "CJ": (("受理", "SL"), ("调查", "SC"), ("审理", "SH"), ("裁决", "SP"), ("送达", "BJ")),
    "QT": (("受理", "SL"), ("办理", "SC"), ("审核", "SH"), ("办结", "BJ")),
}
DEFAULT_FLOW = (("受理", "SL"), ("审查", "SC"), ("审核", "SH"), ("审批", "SP"), ("办结", "BJ"))
# Which template nodes a flow of n nodes keeps.
FLOW_SUBSETS = {2: (0, 3), 3: (0, 1, 3), 4: (0, 1, 2, 3), 5: (0, 1, 2, 3, 4)}
ROLE_DOCUMENTS = {
    "SL": "受理通知书；申请材料接收凭证", "SC": "审查意见表；现场核查记录", "SH": "审核意见表",
    "SP": "审批表；决定文书", "BJ": "证照或批准文书；送达回证", "ZF": "立案审批表；调查询问笔录；现场检查笔录",
    "FZ": "法制审核意见书",
}
ROLE_POST_NAMES = {"SL": "窗口受理岗", "SC": "审查岗", "SH": "审核岗", "SP": "领导审批岗", "BJ": "办结送达岗",
                   "ZF": "执法岗", "FZ": "法制审核岗"}
AGREE_TEXTS = {
    "SL": ("申请材料齐全，符合法定形式，予以受理", "材料齐全，同意受理", "经核对原件，予以受理"),
    "SC": ("经审查，申请材料真实有效，符合条件，建议准予", "经审查符合规定，拟同意", "现场核查情况与申请材料一致"),
    "SH": ("同意审查意见", "审核无误，同意", "经审核，符合条件"),
    "SP": ("同意", "同意审核意见，准予办理", "准予"),
    "BJ": ("已办结，文书已送达", "已制证并送达申请人", "已办结归档"),
    "ZF": ("经调查，违法事实清楚，证据确实充分", "已立案，指定两名执法人员办理", "已现场检查并制作笔录"),
    "FZ": ("经法制审核，事实清楚、证据确凿、适用依据正确、程序合法，同意", "法制审核通过"),
}
REJECT_REASONS = (
    "申请人提交的经营场所证明与实际经营地址不符，不符合法定条件，不予许可",
    "申请材料经核查存在虚假内容，依据《中华人民共和国行政许可法》第七十八条不予许可",
    "项目选址位于生态保护红线范围内，不符合国土空间规划要求",
    "现场核查发现设施设备不满足相关标准要求，不予通过",
    "申请人不具备法定资格条件，依法不予批准",
    "申请事项不属于本机关职权范围，已告知申请人向有权机关申请",
)
RETURN_REASONS = (
    "申请材料缺少法定代表人身份证明，退回补正",
    "现场核查记录不完整，退回重新核查",
    "审查意见未引用法律依据，退回修改",
    "证据材料缺少当事人签字确认，退回补充",
)
NO_PENALTY_REASON = "违法行为轻微并及时改正，没有造成危害后果，依法不予行政处罚"
WITHDRAW_REASON = "申请人主动申请撤回，终止办理"
EXTENSION_REASONS = (
    "情况复杂，需组织专家论证，经本机关负责人批准延长十个工作日",
    "需征求相关部门意见，经负责人批准延长审批期限",
    "涉及公共利益需听证公示，经负责人批准延长期限",
)
COMPLAINT_CATEGORIES = (("delay", 35), ("attitude", 20), ("fee", 10), ("misconduct", 20), ("other", 15))
COMPLAINT_CHANNELS = (("hotline", 45), ("web", 20), ("wechat", 20), ("letter", 5), ("visit", 10))
# Codes of pre-reform departments that complainants and old systems still use.
STALE_DEPARTMENT_CODES = ("WSJ", "HBJ", "GTJ", "JTJ", "GSJ", "ZJJ2")
SUPERVISION_OFFICE = "JCB"  # actor_unit of the supervision office's own complaint actions


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def day_of(d: date) -> int:
    """Day number (days since 1970-01-01) of a date."""
    return d.toordinal() - EPOCH_ORDINAL


def date_of(day: int) -> date:
    return date.fromordinal(day + EPOCH_ORDINAL)


_DATE_TEXT: dict[int, str] = {}
_CLOCK_TEXT = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+08" for s in range(DAY)]


def date_text(day: int) -> str:
    text = _DATE_TEXT.get(day)
    if text is None:
        text = _DATE_TEXT[day] = date_of(day).isoformat()
    return text


def timestamp_text(ts: int) -> str:
    """Local seconds as a PostgreSQL timestamptz literal in Asia/Shanghai."""
    day = ts // DAY
    return date_text(day) + " " + _CLOCK_TEXT[ts - day * DAY]


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def limit_text(halves: int) -> str:
    return str(halves // 2) if halves % 2 == 0 else f"{halves // 2}.5"


def weighted(rng: random.Random, pairs) -> str:
    """Pick the first item of one of (item, weight, ...) tuples by weight."""
    total = sum(p[1] for p in pairs)
    x = rng.random() * total
    for p in pairs:
        x -= p[1]
        if x < 0:
            return p[0]
    return pairs[-1][0]


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip(WHITESPACE) == "")


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into integer parts proportional to ``weights`` (largest remainder)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def database_name(source_name: str, prefix: str = DATABASE_PREFIX) -> str:
    return f"{prefix}{source_name}"


def database_url(server_url: str, database: str) -> str:
    """The URL of ``database`` on the server of ``server_url`` (credentials, host, options kept)."""
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


# --------------------------------------------------------------------------------------------
# Working-day calendar (T1): chinese-calendar where it has data, Mon–Fri elsewhere
# --------------------------------------------------------------------------------------------


class Calendar:
    """Working days of a range of days, with rank arithmetic (n-th working day after a day)."""

    def __init__(self, first: date, last: date):
        import chinese_calendar

        self.first = day_of(first)
        size = (last - first).days + 1
        self.is_wd = bytearray(size)
        for i in range(size):
            d = first + timedelta(days=i)
            try:
                self.is_wd[i] = chinese_calendar.is_workday(d)
            except NotImplementedError:
                self.is_wd[i] = d.weekday() < 5
        self.rank = []  # working days on or before the day
        count = 0
        for flag in self.is_wd:
            count += flag
            self.rank.append(count)
        self.workdays = [self.first + i for i, flag in enumerate(self.is_wd) if flag]

    def is_workday(self, day: int) -> bool:
        return bool(self.is_wd[day - self.first])

    def wd_after(self, day: int, n: int) -> int:
        """The n-th working day strictly after ``day`` (``day`` itself for n = 0)."""
        if n <= 0:
            return day
        index = self.rank[day - self.first] + n - 1
        return self.workdays[min(index, len(self.workdays) - 1)]


def office_clock(rng: random.Random) -> int:
    """Seconds after midnight inside office hours (08:30–12:00, 13:30–17:30)."""
    s = rng.randrange(450 * 60)
    return 30_600 + s if s < 12_600 else 48_600 + s - 12_600


# --------------------------------------------------------------------------------------------
# People: precomputed pools from Faker('zh_CN'), so large runs never call Faker per row
# --------------------------------------------------------------------------------------------


@dataclass
class Pools:
    names: list[str]
    id_numbers: list[str]
    phones: list[str]
    companies: list[str]
    credit_codes: list[str]

    @classmethod
    def build(cls, seed: int, size: int = 2000) -> Pools:
        from faker import Faker

        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        rng = random.Random(f"pools:{seed}")
        names = [fake.name() for _ in range(size)]
        id_numbers = [fake.ssn() for _ in range(size)]
        phones = [fake.phone_number() for _ in range(size)]
        companies = [f"盐城{fake.company()}" if i % 3 == 0 else fake.company() for i in range(size // 2)]
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        credit = ["91320900" + "".join(rng.choice(alphabet) for _ in range(10)) for _ in range(size // 2)]
        return cls(names, id_numbers, phones, companies, credit)


_POOLS: dict[int, Pools] = {}


def pools_for(seed: int) -> Pools:
    if seed not in _POOLS:
        _POOLS[seed] = Pools.build(seed)
    return _POOLS[seed]


# --------------------------------------------------------------------------------------------
# Writing one exchange database: rows ordered by uploaded_at, exchange_ids, COPY, error counts
# --------------------------------------------------------------------------------------------


class TableSpec:
    """How rows (dicts keyed by contract column) of one table are checked and written."""

    def __init__(self, table: ExchangeTable):
        self.name = table.name
        self.key = table.key
        types = table.types()
        self.columns = table.columns
        self.values_of = operator.itemgetter(*table.columns)
        self.timestamp_positions = [i for i, c in enumerate(table.columns) if types[c] == "timestamptz"]
        self.date_positions = [i for i, c in enumerate(table.columns) if types[c] == "date"]
        self.text_columns = tuple(c for c in table.columns if types[c] == "text")
        self.types = [types[c] for c in table.columns]
        self.event_columns = EVENT_COLUMNS.get(table.name)
        self.copy_sql = (
            f"copy {SCHEMA}.{table.name} ({', '.join(table.all_columns)}) from stdin"
        )


def _placeholder_reason(row: dict) -> bool:
    return row["opinion"] in ("disagree", "return") and (
        row["reason"] is None or row["reason"].strip(WHITESPACE) in ("", "不同意", "无", "同上")
    )


# Row-level checks computed from the written values, per table: (error kind, predicate).
VALUE_CHECKS: dict[str, tuple[tuple[str, Callable[[dict], bool]], ...]] = {
    "case_node": (("placeholder_reason", _placeholder_reason),),
    "power_item": (("incomplete_power", lambda r: any(blank(r[c]) for c in REQUIRED_POWER_FIELDS)),),
    "account": (("unapproved_account", lambda r: blank(r["approved_by"]) or r["approved_at"] is None),),
    "complaint_action": (("reject_without_reason", lambda r: r["action"] == "reject" and blank(r["reason"])),),
    "supervision_task_action": (
        ("return_without_reason",
         lambda r: r["action"] == "return" and (blank(r["reason"]) or r["new_deadline_date"] is None)),
    ),
}


class ExchangeWriter:
    """Collects the rows of one exchange database and writes them in uploaded_at order.

    Rows are pushed with their upload time; ``release(before)`` writes every row uploaded before
    ``before`` (the caller guarantees no later push uploads earlier), assigning exchange_ids per
    table in that order. Rows uploaded at or after the end of the simulation are never written (they
    have not reached the exchange yet). Error kinds are counted on the rows actually written.
    """

    def __init__(self, conn: psycopg.Connection | None, source_name: str, kind: str, *, all_text: bool,
                 start_ts: int, end_ts: int, seed: int):
        self.conn = conn
        self.source = source_name
        self.all_text = all_text
        self.start_ts = start_ts
        self.end_ts = end_ts
        self.rng = random.Random(f"writer:{seed}:{source_name}")
        self.specs = {t.name: TableSpec(t) for t in tables_of_kind(kind)}
        self.heap: list = []
        self.sequence = 0
        self.buffers: dict[str, list] = {name: [] for name in self.specs}
        self.next_id = dict.fromkeys(self.specs, 1)
        self.rows = Counter({name: 0 for name in self.specs})
        self.errors: dict[str, Counter] = defaultdict(Counter)
        self.latest_event = dict.fromkeys(self.specs, -1)
        self.garbled_first = set()  # tables that already carry an unparsable row
        self.checked = set()  # tables whose first row was checked against the contract

    # -- collecting
    def push(self, table: str, row: dict, uploaded: int, order: int = 0, tag: str | None = None) -> bool:
        """Queue a row; False if it is uploaded too late to be in the exchange at the end."""
        if uploaded >= self.end_ts:
            return False
        self.sequence += 1
        heapq.heappush(self.heap, (uploaded, order, self.sequence, table, row, tag))
        if tag is None and table in DUPLICATE_TABLES and self.rng.random() < P_DUPLICATE:
            self.sequence += 1
            heapq.heappush(self.heap, (uploaded, order, self.sequence, table, row, "duplicate"))
        return True

    def release(self, before: int) -> None:
        heap = self.heap
        while heap and heap[0][0] < before:
            uploaded, _order, _seq, table, row, tag = heapq.heappop(heap)
            self._write(table, row, uploaded, tag)

    def close(self) -> None:
        self.release(self.end_ts)
        for table in self.specs:
            self._flush(table)

    # -- writing
    def _write(self, table: str, row: dict, uploaded: int, tag: str | None) -> None:
        spec = self.specs[table]
        if table not in self.checked:
            if set(row) != set(spec.columns):
                raise AssertionError(f"{table}: row columns {sorted(row)} differ from the contract")
            self.checked.add(table)
        values = list(spec.values_of(row))
        for i in spec.timestamp_positions:
            if values[i] is not None:
                values[i] = timestamp_text(values[i])
        for i in spec.date_positions:
            if values[i] is not None:
                values[i] = date_text(values[i])
        uploaded_text = timestamp_text(uploaded)
        if self.all_text and (table not in self.garbled_first or self.rng.random() < P_GARBLED):
            self.garbled_first.add(table)
            self._append(table, self._garble(spec, values, uploaded_text))
            self.errors["unparsable"][table] += 1
        self._count(spec, row, uploaded, tag)
        self._append(table, (*values, uploaded_text))

    def _append(self, table: str, values: tuple) -> None:
        exchange_id = self.next_id[table]
        self.next_id[table] = exchange_id + 1
        self.rows[table] += 1
        buffer = self.buffers[table]
        buffer.append((exchange_id, *values))
        if len(buffer) >= COPY_CHUNK_ROWS:
            self._flush(table)

    def _flush(self, table: str) -> None:
        buffer = self.buffers[table]
        if not buffer or self.conn is None:
            buffer.clear()
            return
        with self.conn.cursor() as cur, cur.copy(self.specs[table].copy_sql) as copy:
            for values in buffer:
                copy.write_row(values)
        buffer.clear()

    def _count(self, spec: TableSpec, row: dict, uploaded: int, tag: str | None) -> None:
        errors = self.errors
        table = spec.name
        if tag is not None:
            errors[tag][table] += 1
        if spec.event_columns is not None:
            event = None
            for column in spec.event_columns:
                event = row[column]
                if event is not None:
                    break
            if event >= self.start_ts and uploaded - event > DAY:
                errors["late_upload"][table] += 1
            if event < self.latest_event[table]:
                errors["out_of_order"][table] += 1
            else:
                self.latest_event[table] = event
        empty = stray = False
        for column in spec.text_columns:
            value = row[column]
            if value.__class__ is str:
                if value == "":
                    empty = True
                elif value[0] in WHITESPACE or value[-1] in WHITESPACE:
                    stray = True
        if empty:
            errors["empty_string"][table] += 1
        if stray:
            errors["stray_whitespace"][table] += 1
        for kind, check in VALUE_CHECKS.get(table, ()):
            if check(row):
                errors[kind][table] += 1

    def _garble(self, spec: TableSpec, values: list, uploaded_text: str) -> tuple:
        """An unparsable copy of a row, as a legacy system sends it: one value cannot be typed."""
        rng = self.rng
        garbled = list(values)
        uploaded = uploaded_text
        choices = []
        for i, typ in enumerate(spec.types):
            if typ == "timestamptz":
                choices.append((i, BAD_TIMESTAMP))
            elif typ in ("integer", "numeric", "numeric(12,2)"):
                choices.append((i, rng.choice(("五", "abc", "十五", "5天", "免费"))))
            elif typ == "date":
                choices.append((i, rng.choice(("2026-02-30", "20261301"))))
            elif typ == "boolean":
                choices.append((i, rng.choice(("是", "否"))))
            elif typ == "text[]":
                choices.append((i, str(values[i] or "").strip("{}")))
        key_positions = [spec.columns.index(k) for k in spec.key]
        choices.append((key_positions[0], rng.choice((None, "", "  "))))
        choices.append((-1, BAD_TIMESTAMP))  # uploaded_at itself
        position, bad = rng.choice(choices)
        if position == -1:
            uploaded = bad
        else:
            garbled[position] = bad
        return (*garbled, uploaded)

    def summary(self) -> tuple[dict, dict]:
        return dict(self.rows), {kind: dict(c) for kind, c in self.errors.items() if c}


# --------------------------------------------------------------------------------------------
# Upload behaviour of a source system (when rows reach the exchange)
# --------------------------------------------------------------------------------------------


class Uplink:
    """A source system's sync job: batches every ``interval`` minutes, stragglers, outages."""

    def __init__(self, rng: random.Random, start_ts: int, end_ts: int, *, interval_min: int,
                 phase_s: int, outage_rate: float = 0.6):
        self.rng = rng
        self.interval = interval_min * 60
        self.phase = phase_s % self.interval
        self.outages: list[tuple[int, int]] = []
        ts = start_ts - 30 * DAY
        while ts < end_ts:
            if rng.random() < outage_rate:
                begin = ts + rng.randrange(30 * DAY)
                hours = rng.choice((3, 5, 8, 12, 20, 30, 40, 60, 80))
                self.outages.append((begin, begin + hours * HOUR + rng.randrange(HOUR)))
            ts += 30 * DAY
        self.outages.sort()
        self.outage_starts = [o[0] for o in self.outages]

    def batch(self, ts: int) -> int:
        """The first sync strictly after ``ts``."""
        return ((ts - self.phase) // self.interval + 1) * self.interval + self.phase

    def clean(self, ts: int) -> int:
        """Upload time without stragglers or outages (catalogue and account syncs)."""
        return self.batch(ts)

    def __call__(self, ts: int) -> int:
        uploaded = self.batch(ts)
        r = self.rng.random()
        if r < P_STRAGGLER_LATE:
            uploaded += self.rng.randrange(25 * HOUR, 6 * DAY)
        elif r < P_STRAGGLER_LATE + P_STRAGGLER:
            uploaded += self.rng.randrange(HOUR, 18 * HOUR)
        i = bisect.bisect_right(self.outage_starts, uploaded) - 1
        if i >= 0 and uploaded < self.outages[i][1]:
            uploaded = self.batch(self.outages[i][1])
        return uploaded
