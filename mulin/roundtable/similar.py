"""Similar-topic suggestions: while a resident types, find open topics about the same problem so
they join instead of raising a duplicate.

How: character n-grams with TF-IDF weights and cosine similarity — no word segmenter and nothing
downloaded at run time. Chinese has no spaces, and a phrase's characters carry most of its meaning
("绿化带" and "绿化" share 绿化). Before the n-grams, a small lexicon of the neighbourhood's
problems maps different words for the same thing onto one form (杂草/树丛/灌木 → 绿化, 蚊子/虫子 →
蚊虫, 挡光/晒不到太阳 → 采光 …), which is what makes paraphrases meet; docs/roundtable.md reports the
recall measured on paraphrase pairs (tests/test_similar.py).

The index of a scope's open topics is built once and kept per process until a topic in it changes
(a version of count and latest update, one aggregate query); a query then touches only the
postings of its own n-grams.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

# Words for the same problem, mapped onto one canonical form. Longer words first, so 晒不到太阳
# is replaced before 太阳. Grow it with the cases residents raise.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "绿化": ("绿化带", "草丛", "树丛", "灌木丛", "灌木", "杂草", "野草", "草坪", "绿地", "花坛", "树木", "树枝", "草"),
    "蚊虫": ("蚊子", "蚊虫", "虫子", "苍蝇", "蚊蝇", "小飞虫", "虫"),
    "采光": ("挡光", "遮光", "挡住阳光", "遮住阳光", "晒不到太阳", "见不到太阳", "不透光", "光线暗", "阳光", "采光"),
    "修剪": ("修剪", "剪一剪", "砍掉", "砍", "剪", "清除", "清理"),
    "停车": ("停车位", "车位", "停车", "乱停", "占位", "停不下", "没地方停"),
    "外来车": ("外来车辆", "外面的车", "陌生车辆", "外来车", "社会车辆"),
    "电动车": ("电瓶车", "电单车", "电动自行车", "电动车"),
    "充电": ("充电桩", "充电口", "飞线充电", "拉线充电", "飞线", "充电"),
    "噪音": ("噪音", "噪声", "扰民", "太吵", "吵闹", "吵", "声音大", "音响", "太响"),
    "广场舞": ("广场舞", "跳舞"),
    "堆物": ("堆放杂物", "杂物", "堆物", "堆放", "乱堆", "纸箱", "旧家具"),
    "垃圾": ("垃圾桶", "垃圾分类", "垃圾", "废物", "散落"),
    "楼道": ("楼道", "走廊", "楼梯间", "过道", "楼梯"),
    "照明": ("楼道灯", "路灯", "灯不亮", "灯坏了", "照明", "灯"),
    "漏水": ("漏水", "渗水", "滴水", "水管破", "漏雨"),
    "排水": ("下水道", "积水", "排水", "堵塞", "污水", "返水", "堵"),
    "电梯": ("电梯", "升降梯"),
    "宠物": ("遛狗", "狗屎", "宠物", "狗", "犬"),
    "健身": ("健身器材", "运动器材", "单杠", "健身"),
    "井盖": ("窨井盖", "井盖"),
    "油烟": ("油烟", "烧烤", "烟味"),
    "晾晒": ("晒衣服", "晾衣服", "晾晒", "晾衣"),
    "抛物": ("高空抛物", "扔东西", "往下扔", "抛物"),
    "门禁": ("门禁", "门卫", "大门"),
    "老人": ("老年人", "老人家", "长者", "老人"),
    "危险": ("安全隐患", "消防隐患", "隐患", "危险"),
}
# Characters that carry no topic: particles, pronouns, degree words.
STOP = set("的了是很太都也在有我们这那个和就还又吗呢啊吧得着把被让给跟与及或很非常特别一些点儿么")

_LEXICON: list[tuple[str, str]] = sorted(
    ((word, canonical) for canonical, words in SYNONYMS.items() for word in words), key=lambda pair: -len(pair[0])
)
_LEXICON_RE = re.compile("|".join(re.escape(word) for word, _c in _LEXICON))
_LOOKUP = dict(_LEXICON)
# A token stands for a canonical word: one private-use character each, so n-grams treat it as one.
_TOKEN = {canonical: chr(0xE000 + i) for i, canonical in enumerate(SYNONYMS)}


def normalise(text: str) -> list[str]:
    """The text as a list of units: canonical-word tokens, other Chinese characters, ASCII words."""
    text = (text or "").lower()
    text = _LEXICON_RE.sub(lambda m: _TOKEN[_LOOKUP[m.group(0)]], text)
    units: list[str] = []
    for char_or_word in re.findall(r"[\ue000-\uf8ff]|[\u4e00-\u9fff]|[a-z0-9]+", text):
        if char_or_word in STOP:
            continue
        units.append(char_or_word)
    return units


def features(text: str) -> dict[str, int]:
    """Unigrams and bigrams of the units with their counts (canonical tokens count double: they
    name the problem)."""
    units = normalise(text)
    grams: dict[str, int] = {}
    previous = ""
    for unit in units:
        grams[unit] = grams.get(unit, 0) + (2 if "\ue000" <= unit <= "\uf8ff" else 1)
        if previous:
            bigram = previous + unit
            grams[bigram] = grams.get(bigram, 0) + 1
        previous = unit
    return grams


def _tf(count: int) -> float:
    return 1.0 + math.log(count) if count > 1 else 1.0


@dataclass
class Index:
    """TF-IDF vectors of a set of topics as postings: feature → [(position, weight)]."""

    ids: list[int]
    idf: dict[str, float]
    postings: dict[str, list[tuple[int, float]]]

    @classmethod
    def build(cls, rows: Iterable[tuple[int, str]]) -> Index:
        ids: list[int] = []
        vectors: list[dict[str, int]] = []
        df: dict[str, int] = {}
        for topic_id, text in rows:
            vector = features(text)
            ids.append(topic_id)
            vectors.append(vector)
            for gram in vector:
                df[gram] = df.get(gram, 0) + 1
        n = max(len(ids), 1)
        idf = {gram: math.log((1 + n) / (1 + count)) + 1.0 for gram, count in df.items()}
        postings: dict[str, list[tuple[int, float]]] = {gram: [] for gram in df}
        for position, vector in enumerate(vectors):
            weights = [(gram, _tf(tf) * idf[gram]) for gram, tf in vector.items()]
            norm = math.sqrt(sum(w * w for _g, w in weights)) or 1.0
            for gram, weight in weights:
                postings[gram].append((position, weight / norm))
        return cls(ids=ids, idf=idf, postings=postings)

    def query(
        self, text: str, *, limit: int = 5, threshold: float = 0.2, exclude: Sequence[int] = ()
    ) -> list[tuple[int, float]]:
        """(topic id, cosine similarity) of the best matches above `threshold`, best first."""
        vector = features(text)
        if not vector:
            return []
        max_idf = math.log(1 + len(self.ids)) + 1.0
        weights = {gram: _tf(tf) * self.idf.get(gram, max_idf) for gram, tf in vector.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        scores: dict[int, float] = {}
        for gram, weight in weights.items():
            for position, doc_weight in self.postings.get(gram, ()):
                scores[position] = scores.get(position, 0.0) + weight / norm * doc_weight
        skip = set(exclude)
        best = sorted(scores.items(), key=lambda item: -item[1])
        found = [(self.ids[pos], score) for pos, score in best if score >= threshold and self.ids[pos] not in skip]
        return found[:limit]


_CACHE: OrderedDict[tuple[object, ...], tuple[object, Index]] = OrderedDict()
_CACHE_SIZE = 64
_LOCK = threading.Lock()


def cached_index(key: tuple[object, ...], version: object, rows: Callable[[], Iterable[tuple[int, str]]]) -> Index:
    """The index for `key`, rebuilt when `version` changed (a per-process LRU of 64 scopes)."""
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] == version:
            _CACHE.move_to_end(key)
            return hit[1]
    index = Index.build(rows())
    with _LOCK:
        _CACHE[key] = (version, index)
        _CACHE.move_to_end(key)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return index
