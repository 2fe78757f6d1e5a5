"""What a document declares about other documents: it replaces, repeals, amends, guides, continues or cites them.

Read from the text itself, each relation with the sentence that states it (offsets into the stored text):

* **replaces** — "Quy định này thay thế Quy định số 270-QĐ/TW …", "… có hiệu lực … và thay thế Nghị định số …";
* **repeals** — "Bãi bỏ Điều 1 Nghị định số 83/2024/NĐ-CP …", "Quyết định này bãi bỏ …";
* **amends** — a title "Nghị định sửa đổi, bổ sung … Nghị định số 24/2012/NĐ-CP", "Điều 1. Sửa đổi, bổ sung …";
* **guides** — a title "Hướng dẫn một số nội dung Quy định số 377-QĐ/TW", "Kế hoạch thực hiện Nghị quyết số …";
* **continues** — a title "… về tiếp tục thực hiện Chỉ thị số 05-CT/TW …";
* **cites** — the preamble "Căn cứ Nghị quyết số 57-NQ/TW …".

Only what the document says of itself counts: a task given to others ("nghiên cứu, đề xuất sửa đổi, bổ sung
Luật …", "giao Bộ … hướng dẫn thực hiện Nghị quyết …") is not a relation. Guides, continues and amends are
taken from the head of the document (title and preamble) or from a sentence about "this" document; cites from
lines that start with "Căn cứ".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from documents.identity import find_mentions, ref_key
from documents.model import DocIdentity, DocRef
from documents.text import fold, sentence_spans

#: The title and preamble: where a document names what it guides, continues or amends.
HEAD_CHARS = 1500
#: A trigger counts when it stands this close (characters) before the mention …
TRIGGER_REACH = 70
#: … and these common verbs only when they stand right before it ("thực hiện Quy định số 377-QĐ/TW").
NEAR_REACH = 25
_NEAR_ONLY = frozenset({"thuc hien", "trien khai"})
#: A mention right after another one that has a relation shares it ("thay thế Hướng dẫn số 16…, Hướng dẫn số 21…").
LIST_GAP = 120


class RelationKind(StrEnum):
    REPLACES = "replaces"
    REPEALS = "repeals"
    AMENDS = "amends"
    GUIDES = "guides"
    CONTINUES = "continues"
    CITES = "cites"


#: Stronger kinds first: when a document states several relations to one target, the first listed wins.
STRENGTH = tuple(RelationKind)

# (folded trigger, kind) — the nearest trigger before a mention decides; longer phrases are tried first.
_TRIGGERS: tuple[tuple[str, RelationKind], ...] = (
    ("tiep tuc thuc hien", RelationKind.CONTINUES),
    ("thay the", RelationKind.REPLACES),
    ("bai bo", RelationKind.REPEALS),
    ("het hieu luc", RelationKind.REPEALS),
    ("sua doi", RelationKind.AMENDS),
    ("bo sung", RelationKind.AMENDS),
    ("huong dan", RelationKind.GUIDES),
    ("trien khai", RelationKind.GUIDES),
    ("thuc hien", RelationKind.GUIDES),
    ("can cu", RelationKind.CITES),
)
_TRIGGER = re.compile("|".join(re.escape(t) for t, _ in sorted(_TRIGGERS, key=lambda t: -len(t[0]))))
_KIND = dict(_TRIGGERS)
# Words that make the sentence a task for someone else, not a statement about this document.
_TASK = re.compile(r"\b(?:nghien cuu|de xuat|kien nghi|ra soat|tham muu|trinh|du thao|xay dung|chu tri|giao|"
                   r"tiep tuc|phoi hop|to chuc|chi dao|yeu cau|dam bao|huong dan)\b")
# "this document": "Quy định này", "Nghị định này", "Kế hoạch này" …
_SELF = re.compile(r"\b(?:quy dinh|nghi quyet|nghi dinh|quyet dinh|thong tu|ket luan|chi thi|huong dan|ke hoach|"
                   r"thong bao|quy che|chuong trinh|luat|van ban|de an) nay\b")
# "… được sửa đổi, bổ sung bởi …": what another document did to a third one.
_PASSIVE = re.compile(r"\bduoc\s*$")
# "… bổ sung bởi Luật số 43/2024/QH15": the document after "bởi" did it.
_AGENT = re.compile(r"[\s,]*(?:mot so dieu\s+)?boi\b")
# A sentence that opens with a document type names its subject ("Luật sửa đổi …").
_TYPE_START = re.compile(r"(quy dinh|nghi quyet|nghi dinh|quyet dinh|thong tu|ket luan|chi thi|huong dan|ke hoach|"
                         r"thong bao|quy che|chuong trinh|luat|van ban hop nhat)\b")
# A list item or article opening: "- ", "• ", "1. ", "a) ", "Điều 3. " (folded).
_LIST_ITEM = re.compile(r"\s*(?:[-–+*•]\s*|\d{1,2}\.\s*|[a-zd]\)\s*|dieu \d+[a-z]?\.\s*)?")


@dataclass(frozen=True)
class Relation:
    kind: RelationKind
    target: DocRef
    #: The target as written ("Quy định số 270-QĐ/TW").
    target_text: str
    #: The sentence that states the relation: offsets into the text.
    start: int
    end: int

    @property
    def target_key(self) -> str:
        return ref_key(self.target)


def _trigger(folded_before: str) -> tuple[RelationKind, int] | None:
    """The relation named by the trigger nearest the end of ``folded_before`` (the sentence up to a mention),
    with the trigger's position in it. "thực hiện"/"triển khai" must stand right before the mention."""
    offset = max(0, len(folded_before) - TRIGGER_REACH)
    found = list(_TRIGGER.finditer(folded_before, offset))
    if not found:
        return None
    last = found[-1]
    if last.group(0) in _NEAR_ONLY and len(folded_before) - last.end() > NEAR_REACH:
        return None
    return _KIND[last.group(0)], last.start()


def _opening(folded: str) -> str:
    """The sentence without its list marker or article number."""
    marker = _LIST_ITEM.match(folded)
    return folded[marker.end() if marker else 0:]


def _declared(kind: RelationKind, folded: str, trigger_at: int, in_head: bool, other_end: int) -> bool:
    """Whether the sentence states ``kind`` of this document (rather than a task or someone else's act).

    ``other_end`` is where the last other document named before the trigger ends (0 if none): "Thông tư số
    80/2021 … hướng dẫn … Nghị định số 126" is about Thông tư 80, not about this document.
    """
    opening = _opening(folded)
    if kind is RelationKind.CITES:
        return opening.startswith("can cu")
    before_trigger = folded[:trigger_at]
    if _SELF.search(folded[other_end:trigger_at + 40]):
        return True
    if other_end or _PASSIVE.search(before_trigger) or folded.startswith("theo", trigger_at + 10):
        return False
    if kind in (RelationKind.REPEALS, RelationKind.AMENDS, RelationKind.REPLACES) and opening.startswith(
            ("bai bo", "sua doi", "thay the")):
        return True
    return in_head and not _TASK.search(before_trigger)


def _other_subject(folded: str, trigger_at: int, own_type: str) -> bool:
    """"Luật sửa đổi, bổ sung …" in a Quyết định, "… bổ sung bởi Luật số …": another document is the subject."""
    if _AGENT.match(folded, _TRIGGER.match(folded, trigger_at).end()):  # type: ignore[union-attr]
        return True
    subject = _TYPE_START.match(_opening(folded))
    return subject is not None and subject.group(1) != own_type and not _SELF.match(_opening(folded))


def find_relations(text: str, own: DocIdentity | None = None) -> list[Relation]:
    """The relations ``text`` declares to other documents, in order of their sentences, one per target."""
    own_keys = {ref_key(r) for r in find_mentions(own.number)} if own is not None and own.number else set()
    own_type = fold(own.doc_type) if own is not None and own.doc_type else ""
    found: list[Relation] = []
    carried: RelationKind | None = None  # "… thay thế các Nghị định sau:" applies to the list items that follow
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        folded = fold(sentence)
        if len(folded) != len(sentence):  # offsets must line up with the original
            continue
        if carried is not None and not _LIST_ITEM.match(folded).group(0).strip():  # type: ignore[union-attr]
            carried = None
        mentions = [m for m in find_mentions(sentence) if m.number and ref_key(m) not in own_keys]
        if not mentions:
            trigger = _trigger(folded)
            if folded.rstrip().endswith(":") and trigger is not None:
                declared = _declared(trigger[0], folded, trigger[1], start < HEAD_CHARS, 0)
                carried = trigger[0] if declared and trigger[0] is not RelationKind.CITES else None
            continue
        if _opening(folded).startswith("can cu"):  # a preamble line cites every document it names
            for mention in mentions:
                found.append(Relation(RelationKind.CITES, mention, sentence[mention.span[0]:mention.span[1]],
                                      start, end))
            continue
        previous_end, previous_kind = 0, carried
        for mention in mentions:
            trigger = _trigger(folded[:mention.span[0]])
            kind: RelationKind | None = None
            if trigger is not None and trigger[1] >= previous_end:
                other_end = max((m.span[1] for m in mentions if m.span[1] <= trigger[1]), default=0)
                if _declared(trigger[0], folded, trigger[1], start < HEAD_CHARS, other_end) and not _other_subject(
                        folded, trigger[1], own_type):
                    kind = trigger[0]
            elif mention.span[0] - previous_end <= LIST_GAP or carried is not None:
                kind = previous_kind  # the trigger belongs to an earlier mention of the same list
            previous_end, previous_kind = mention.span[1], kind
            if kind is not None:
                found.append(Relation(kind, mention, sentence[mention.span[0]:mention.span[1]], start, end))
    return _strongest(found)


def _strongest(relations: list[Relation]) -> list[Relation]:
    """One relation per target: the strongest kind stated (replaces over amends over … over cites)."""
    best: dict[str, Relation] = {}
    for relation in relations:
        held = best.get(relation.target_key)
        if held is None or STRENGTH.index(relation.kind) < STRENGTH.index(held.kind):
            best[relation.target_key] = relation
    return sorted(best.values(), key=lambda r: (r.start, r.target_text))
