"""Generated wire stories and their republished copies, for the near-copy clustering tests.

Each story is made of sentences drawn from templates with random names, places and numbers,
so that two different stories share their vocabulary (as news on one topic does) but not
their sentences. Each story is republished 2-6 times on other sites with the variations real
portals make: a title of their own, a source line (来源：新华社) or an editor's note added, the
text cut to 70-95%, paragraphs reflowed, the whole converted to Traditional script. All text
is made up here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from crawler.text import convert

CITIES = ["江滨", "青禾", "云岭", "南港", "北岸", "石桥", "东湖", "西山", "临海", "安平", "长宁", "广源"]
BODIES = [
    "市政府",
    "交通局",
    "教育局",
    "卫健委",
    "气象台",
    "港务集团",
    "农业农村局",
    "文旅局",
    "统计局",
    "应急管理局",
]
PEOPLE = ["王建国", "李晓梅", "张志强", "刘海燕", "陈立新", "杨帆", "赵明辉", "黄丽娟", "周文涛", "吴春生"]
TEMPLATES = [
    "{city}{body}{n}日发布消息，{thing}工作取得阶段性进展，累计完成投资{m}亿元。",
    "据{body}负责人{who}介绍，今年以来全市共新增{thing}项目{n}个，同比增长{p}%。",
    "{who}表示，下一步将围绕{thing}持续发力，力争在{n}月底前完成全部任务。",
    "记者从{city}{body}获悉，{thing}试点已覆盖{n}个街道和{m}个行政村。",
    "数据显示，前{n}个月{city}{thing}相关指标较去年同期提高{p}个百分点。",
    "在{city}某社区，居民{who}告诉记者，{thing}让日常生活方便了许多。",
    "专家认为，{thing}有助于缓解{city}高峰时段的压力，但仍需完善配套措施。",
    "{body}提醒市民，{thing}期间请提前规划行程，留意官方发布的最新信息。",
    "{city}将设立{m}个服务点，为群众提供{thing}咨询，工作时间为每天{n}时至{p}时。",
    "截至目前，{city}已投入资金{m}亿元用于{thing}，惠及群众约{p}万人。",
    "会议要求，各部门要加强协调配合，确保{thing}在{n}月前取得实效。",
    "{who}在调研时指出，要把{thing}作为民生实事抓紧抓好。",
]
THINGS = [
    "老旧小区改造",
    "智慧交通建设",
    "农村饮水安全",
    "义务教育扩容",
    "防汛抗旱准备",
    "港口航道疏浚",
    "社区养老服务",
    "乡村旅游提升",
    "高温天气应对",
    "电动车充电设施",
    "垃圾分类推广",
    "公共图书馆夜间开放",
]
SOURCES = ["新华社", "中新网", "人民网", "央视新闻", "江滨日报"]


@dataclass(frozen=True)
class Copy:
    story: int  # which story this is a copy of
    site: str
    url: str
    title: str
    body: str
    published_at: str


def _sentence(rng: random.Random, thing: str, city: str) -> str:
    return rng.choice(TEMPLATES).format(
        city=city,
        body=rng.choice(BODIES),
        who=rng.choice(PEOPLE),
        thing=thing,
        n=rng.randint(2, 30),
        m=rng.randint(2, 99),
        p=rng.randint(3, 60),
    )


def story(rng: random.Random) -> tuple[str, list[str]]:
    """A title and 4-8 paragraphs of 2-3 sentences."""
    thing, city = rng.choice(THINGS), rng.choice(CITIES)
    paragraphs = [
        "".join(_sentence(rng, thing, city) for _ in range(rng.randint(2, 3)))
        for _ in range(rng.randint(4, 8))
    ]
    return f"{city}{thing}取得新进展", paragraphs


def republish(rng: random.Random, n: int, title: str, paragraphs: list[str], site: str, day: int) -> Copy:
    """One portal's copy of a story, with one or more of the usual variations."""
    text = list(paragraphs)
    if rng.random() < 0.5:  # cut short: the first 70-95% of the text
        keep = max(1, round(len(text) * rng.uniform(0.7, 0.95)))
        text = text[:keep]
    if rng.random() < 0.5:
        text.insert(0, f"来源：{rng.choice(SOURCES)}")
    if rng.random() < 0.3:
        text.append("（编者按：本文内容仅供参考，转载请注明出处。）")
    if rng.random() < 0.3:  # reflowed: paragraphs joined two by two
        text = ["".join(text[i : i + 2]) for i in range(0, len(text), 2)]
    own_title = rng.choice([title, f"{title}（组图）", f"关注：{title}", title[:6] + "最新消息"])
    body = "\n".join(text)
    if rng.random() < 0.3:  # a Traditional-script portal: body_norm folds it back
        body, own_title = convert(body, "hant") or body, convert(own_title, "hant") or own_title
    return Copy(
        n,
        site,
        f"http://{site}.example/{2025}/{day:03d}/{n}-{rng.randint(1000, 9999)}.html",
        own_title,
        body,
        f"2025-03-{1 + day % 28:02d}T{8 + rng.randint(0, 10):02d}:00:00+08:00",
    )


def corpus(stories: int = 60, seed: int = 11) -> list[Copy]:
    """`stories` stories: a third stand alone, the rest republished 2-6 times on other sites."""
    rng = random.Random(seed)
    sites = [f"site{i}" for i in range(12)]
    copies = []
    for n in range(stories):
        title, paragraphs = story(rng)
        times = 1 if n % 3 == 0 else rng.randint(2, 6)
        for k, site in enumerate(rng.sample(sites, times)):
            copies.append(republish(rng, n, title, paragraphs, site, n + k))
    return copies
