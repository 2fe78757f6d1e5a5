"""A question's framing: the words that say what form the answer takes, not what it is about.

"… có được kiêm nghề luật sư không?" (yes or no) and "văn bản nào nói về …" (which document) are asked about
the same thing as the statement under them; embedded with their framing, they land farther from the passage
that answers them. Measured on members' questions (scripts/questions/sections*.tsv, dev to held-out set 2):
top-3 up 1–2.5 points on each set, with the false-answer rate on off-corpus questions unchanged (16.8 % at the
defaults); stripping "là gì", "như thế nào" too raised false answers and was left out.
"""

from __future__ import annotations

import re

_YES_NO = re.compile(r"\s+(?:không|khong|ko|k|chưa|chua)\s*\??\s*$", re.IGNORECASE)
_WHICH_DOCUMENT = re.compile(
    r"\b(?:văn bản|van ban|nghị quyết|nghi quyet|kết luận|ket luan|quy định|quy dinh|tài liệu|tai lieu)"
    r"\s+(?:nào|nao)\b",
    re.IGNORECASE,
)


def without_framing(question: str) -> str:
    """``question`` without a closing yes/no particle and without "which document" words."""
    return _WHICH_DOCUMENT.sub("", _YES_NO.sub("", question)).strip() or question
