"""The stations of the source on the Daguan demo street, through the real services (idempotent):
西一运河城市驿站 at 西八苑三幢 with its three floors, the 南苑 red health station co-built with
九洲大药房 in June 2019, the street's party-mass service centre, and the stations of 东一 and 东二."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from mulin.organizations.models import OrgUnit
from mulin.organizations.scoping import Actor
from mulin.stations.defaults import ensure_default_types
from mulin.stations.models import Station, StationType
from mulin.stations.services import room_save, station_save

# (name, type, community, partner, address, (lat, lng), m², hours, brand, opened, description, rooms)
# rooms: (floor, name, purpose, seats)
STATIONS = [
    (
        "大关街道党群服务中心",
        "party-mass-centre",
        "西一社区",
        None,
        "杭州市拱墅区大关路100号",
        (30.3062, 120.1500),
        800,
        "周一至周日 8:30–20:30",
        "一轴两翼多点",
        None,
        "街道党群服务中心：党员教育、志愿服务、议事协商的中心阵地。",
        [
            (1, "党员之家", "党员活动与接待", 40),
            (2, "多功能厅", "会议、培训、文艺演出", 120),
            (2, "议事室", "百姓圆桌会", 20),
        ],
    ),
    (
        "西一运河城市驿站",
        "canal-station",
        "西一社区",
        "运河文化发展公司",
        "西八苑三幢",
        (30.3091, 120.1458),
        300,
        "周二至周日 9:00–20:00",
        "运河红韵",
        None,
        "约300平方米，一楼党建书吧，二楼百姓书场，三楼新四军大讲堂。",
        [
            (1, "党建书吧", "阅读、学习", 30),
            (2, "百姓书场", "评话、曲艺、文艺团队排练", 60),
            (3, "新四军大讲堂", "党课、讲座", 80),
        ],
    ),
    (
        "南苑红色健康驿站",
        "red-health-station",
        "南苑社区",
        "九洲大药房",
        "大关路南苑段 九洲大药房二楼",
        (30.3021, 120.1494),
        120,
        "周一至周六 8:00–17:00",
        "红色健康",
        dt.date(2019, 6, 1),
        "2019年6月南苑社区与九洲大药房党支部共建，全市首个“红色健康”驿站：骨密度、尿酸、血压、血糖检测。",
        [(2, "健康检测室", "骨密度、尿酸、血压、血糖检测", 12), (2, "健康讲堂", "健康讲座", 30)],
    ),
    (
        "东一社区党群驿站",
        "party-mass-centre",
        "东一社区",
        None,
        "东一苑社区服务楼",
        (30.3082, 120.1526),
        200,
        "周一至周五 8:30–17:30",
        "党建+文化",
        None,
        "",
        [(1, "活动室", "党员活动、宣讲", 40)],
    ),
    (
        "东二社区邻里驿站",
        "canal-station",
        "东二社区",
        None,
        "东二苑12幢底层",
        (30.3066, 120.1547),
        150,
        "周一至周日 9:00–18:00",
        "邻里守望",
        None,
        "",
        [(1, "睦邻客厅", "邻里议事、兴趣小组", 25)],
    ),
]


def seed_demo_stations(actor: Actor, units: dict[str, OrgUnit]) -> int:
    """Add the source's stations that are missing; return how many were added."""
    ensure_default_types(StationType)
    types = {t.code: t for t in StationType.objects.all()}
    added = 0
    for name, type_code, community_name, partner_name, address, (
        lat,
        lng,
    ), area, hours, brand, opened, text, rooms in STATIONS:
        community = OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMUNITY, name=community_name).first()
        if community is None or Station.objects.filter(community=community, name=name).exists():
            continue
        partner = (
            OrgUnit.objects.filter(kind=OrgUnit.Kind.PARTNER_UNIT, name=partner_name).first() if partner_name else None
        )
        station = station_save(
            actor=actor,
            community=community,
            type=types[type_code],
            name=name,
            address=address,
            partner=partner,
            latitude=Decimal(f"{lat:.6f}"),
            longitude=Decimal(f"{lng:.6f}"),
            area_m2=area,
            opening_hours=hours,
            brand=brand,
            description=text,
            opened_on=opened,
        )
        for floor, room_name, purpose, seats in rooms:
            room_save(actor=actor, station=station, floor=floor, name=room_name, purpose=purpose, capacity=seats)
        added += 1
    return added
