"""The Daguan Street (大关街道) demo: names from the source article, the rest invented but
believable. Everything is deterministic: the same seed gives the same street every time."""

from __future__ import annotations

from typing import Any

DISTRICT = "拱墅区"
STREET = "大关街道"
STREET_PARTY_COMMITTEE = "大关街道党工委"
DEMO_PASSWORD = "Mulin@2026"  # noqa: S105 — published in the README; demo accounts only, demo mode only
SEED = 20191001

# community → (party organisation kind and name, number of branches, branch name pattern,
#               compounds → number of buildings)
COMMUNITIES: dict[str, dict] = {
    "西一社区": {
        "party": ("party_committee", "西一社区党委"),
        "branches": 8,
        "compounds": {"西八苑": 12, "西七苑": 9, "西九苑": 8},
    },
    "西二社区": {"party": ("party_committee", "西二社区党委"), "branches": 6, "compounds": {"西五苑": 10, "西六苑": 8}},
    "西三社区": {"party": ("general_branch", "西三社区党总支"), "branches": 4, "compounds": {"西三苑": 9, "西四苑": 7}},
    "东一社区": {"party": ("party_committee", "东一社区党委"), "branches": 7, "compounds": {"东一苑": 10, "东新园": 8}},
    "东二社区": {
        "party": ("party_committee", "东二社区党委"),
        "branches": 6,
        "compounds": {"东二苑": 9, "东方家园": 6},
    },
    "东三社区": {"party": ("general_branch", "东三社区党总支"), "branches": 4, "compounds": {"东三苑": 8, "和睦里": 5}},
    "南苑社区": {
        "party": ("party_committee", "南苑社区党委"),
        "branches": 7,
        "compounds": {"南八苑": 12, "南七苑": 9, "南苑新村": 6},
    },
    "德胜社区": {
        "party": ("party_committee", "德胜社区党委"),
        "branches": 12,
        "compounds": {"德胜新村": 14, "德胜东村": 8},
    },
    "翠玉社区": {
        "party": ("general_branch", "翠玉社区党总支"),
        "branches": 5,
        "compounds": {"集翠源": 10, "翠玉苑": 8},
    },
    "上塘社区": {
        "party": ("general_branch", "上塘社区党总支"),
        "branches": 4,
        "compounds": {"上塘苑": 8, "河畔人家": 6},
    },
}
# 翠玉's branches are called 第N党支部 in the source; the others 第N支部.
BRANCH_PATTERN = {"翠玉社区": "{community}第{n}党支部"}
DEFAULT_BRANCH_PATTERN = "{community}第{n}支部"
CHINESE_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五"]

# Compounds whose three governance bodies (居委会 · 业委会 · 物业) are on record.
GOVERNED_COMPOUNDS = {
    "西八苑": ("西八苑业主委员会", "西八苑物业服务中心"),
    "南八苑": ("南八苑业主委员会", "南八苑物业服务中心"),
    "集翠源": ("集翠源业主委员会", "集翠源物业服务中心"),
}

PARTNER_UNITS: dict[str, dict[str, Any]] = {
    "九洲大药房": {"branch": "九洲大药房党支部", "communities": ["南苑社区"], "address": "大关路南苑段"},
    "大关街道社区卫生服务中心": {
        "branch": "大关社区卫生服务中心党支部",
        "communities": ["西一社区", "德胜社区"],
        "address": "大关路",
    },
    "运河文化发展公司": {
        "branch": "运河文化发展公司党支部",
        "communities": ["西一社区", "东一社区"],
        "address": "运河沿线",
    },
}

TEAMS: dict[str, list[tuple[str, str, list[str]]]] = {
    "西一社区": [
        (
            "西韵艺术团",
            "cultural",
            [
                "大关实验京剧社",
                "越迷秀团",
                "歌咏队",
                "舞蹈队",
                "腰鼓队",
                "书画社",
                "太极队",
                "合唱团",
                "模特队",
                "葫芦丝队",
                "旗袍队",
                "曲艺队",
            ],
        )
    ],
    "翠玉社区": [("绿色达人垃圾分类志愿队", "volunteer", [])],
    "德胜社区": [("德胜义务巡河队", "volunteer", [])],
    "南苑社区": [("红色家长志愿队", "volunteer", [])],
    "东一社区": [("党建+文化宣讲队", "cultural", [])],
}

# Communities' approximate map positions (for the later station map), around 大关 in 拱墅区.
COORDINATES = {
    "西一社区": (30.3089, 120.1462),
    "西二社区": (30.3101, 120.1441),
    "西三社区": (30.3117, 120.1420),
    "东一社区": (30.3080, 120.1528),
    "东二社区": (30.3065, 120.1549),
    "东三社区": (30.3049, 120.1570),
    "南苑社区": (30.3019, 120.1497),
    "德胜社区": (30.2992, 120.1455),
    "翠玉社区": (30.3140, 120.1505),
    "上塘社区": (30.3032, 120.1600),
}

# The demo accounts of the README. (phone, name, role, unit name, compound, extra)
DEMO_ACCOUNTS = [
    ("13800000001", "陈志刚", "street_admin", STREET, "东新园", {"member_of": "东一社区第一支部"}),
    ("13800000002", "周丽华", "community_secretary", "南苑社区", "南七苑", {}),
    ("13800000003", "李建国", "branch_secretary", "德胜社区第十支部", "德胜新村", {"member_of": "德胜社区第十支部"}),
    (
        "13800000004",
        "汪孙聚",
        "party_member",
        "德胜社区第十支部",
        "德胜新村",
        {"member_of": "德胜社区第十支部", "skills": ["cleaning"]},
    ),
    ("13800000005", "王秀英", "resident", "南八苑", "南八苑", {}),
    ("13800000006", "赵敏", "partner_contact", "九洲大药房", "南苑新村", {"member_of": "九洲大药房党支部"}),
    ("13800000007", "孙小燕", "volunteer", "翠玉社区", "集翠源", {"skills": ["cleaning", "elderly_care"]}),
    ("13800000008", "张晓婷", "community_worker", "翠玉社区", "翠玉苑", {}),
    ("13800000009", "刘静", "audit_admin", STREET, "西五苑", {}),
    ("13800000010", "郑伟", "system_admin", STREET, "东二苑", {}),
    ("13800000011", "何平", "security_admin", STREET, "上塘苑", {}),
]

# People named in the source who hold roles but no demo account.
NAMED_PEOPLE = [
    (
        "吴红英",
        "branch_secretary",
        "翠玉社区第一党支部",
        "集翠源",
        {"member_of": "翠玉社区第一党支部", "skills": ["cleaning"]},
    ),
    ("楼颖", "community_secretary", "翠玉社区", "翠玉苑", {"member_of": "翠玉社区第二党支部"}),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤楼"
)
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅志强玉兰海燕小红文"
    "辉国庆晓东春梅丽萍建华金凤淑珍桂芳德胜永红凤英立新秀珍家乐雨涵子轩浩然欣怡梓涵一"
    "诺"
)
STREET_SUFFIXES = ["室", "室", "室"]
