"""Split Telegram HTML into messages below the 4096-unit limit without breaking tags or entities.

Telegram counts the text *after* entity parsing (tags removed, ``&lt;`` → ``<``) in UTF-16 code units. The
splitter walks tags and text, closes the open tags at a cut and reopens them in the next message, and cuts
text at the best boundary it can find: paragraph, line, sentence, word, then anywhere.
"""

from __future__ import annotations

import html
import re

from documents.text import SENTENCE_BREAK

TELEGRAM_LIMIT = 4096
#: What we aim for: a margin under Telegram's limit.
MESSAGE_LIMIT = 4000
CAPTION_LIMIT = 1024

_TOKEN = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z-]+)")
_EMPTY_PAIR = re.compile(r"<([a-zA-Z-]+)(?:\s[^>]*)?>(\s*)</\1>")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def esc(text: str) -> str:
    """User or document text made safe for ``parse_mode=HTML``."""
    return html.escape(text, quote=False)


def visible_text(fragment: str) -> str:
    """What Telegram shows for an HTML fragment (tags stripped, entities decoded)."""
    return html.unescape(_TOKEN.sub("", fragment))


def visible_len(fragment: str) -> int:
    return utf16_len(visible_text(fragment))


def _max_prefix(text: str, budget: int) -> int:
    """The longest prefix of ``text`` (in code points) that fits ``budget`` UTF-16 units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > budget:
            return index
    return len(text)


def _best_cut(text: str, limit: int, *, may_flush: bool) -> int:
    """Where to cut ``text`` so that ``text[:cut]`` fits in ``limit`` units (0 = start a new message first)."""
    fit = _max_prefix(text, limit)
    head = text[:fit]
    floor = fit // 2
    for finder in (
        lambda: head.rfind("\n\n") + 2 if head.rfind("\n\n") >= 0 else -1,
        lambda: head.rfind("\n") + 1 if head.rfind("\n") >= 0 else -1,
        lambda: max((m.start() for m in SENTENCE_BREAK.finditer(head) if m.start()), default=-1),
        lambda: head.rfind(" ") + 1 if head.rfind(" ") >= 0 else -1,
    ):
        cut = finder()
        if cut > 0 and cut >= floor:
            return cut
    if may_flush:
        return 0
    return fit or 1


def _clean(message: str) -> str:
    previous = None
    while previous != message:
        previous = message
        message = _EMPTY_PAIR.sub(r"\2", message)
    return message.strip()


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Messages of at most ``limit`` visible UTF-16 units, each with balanced tags."""
    messages: list[str] = []
    stack: list[tuple[str, str]] = []  # (tag name, raw opening tag)
    parts: list[str] = []
    used = 0

    def flush() -> None:
        nonlocal parts, used
        closing = "".join(f"</{name}>" for name, _ in reversed(stack))
        message = _clean("".join(parts) + closing)
        if visible_text(message).strip():
            messages.append(message)
        parts = [raw for _, raw in stack]
        used = 0

    for token in _TOKEN.split(text):
        if not token:
            continue
        if token.startswith("<"):
            match = _TAG_NAME.match(token)
            name = match.group(1).lower() if match else ""
            if token.startswith("</"):
                if stack and stack[-1][0] == name:
                    stack.pop()
            elif not token.endswith("/>"):
                stack.append((name, token))
            parts.append(token)
            continue
        plain = html.unescape(token)
        while plain:
            size = utf16_len(plain)
            if used + size <= limit:
                parts.append(esc(plain))
                used += size
                break
            has_content = used > 0
            cut = _best_cut(plain, limit - used, may_flush=has_content and used > limit // 4)
            if cut:
                parts.append(esc(plain[:cut].rstrip()))
            flush()
            plain = plain[cut:].lstrip(" \n") if cut else plain.lstrip(" \n")
    if parts:
        closing = "".join(f"</{name}>" for name, _ in reversed(stack))
        message = _clean("".join(parts) + closing)
        if visible_text(message).strip():
            messages.append(message)
    return messages


def join_blocks(blocks: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pack self-contained HTML blocks into messages, splitting inside a block only when it alone is too long."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if visible_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            messages.append(current)
        if visible_len(block) <= limit:
            current = block
        else:
            pieces = split_html(block, limit)
            messages.extend(pieces[:-1])
            current = pieces[-1] if pieces else ""
    if current:
        messages.append(current)
    return messages
