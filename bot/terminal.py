"""``nqbot chat``: the answering pipeline in a terminal loop."""

from __future__ import annotations

import logging

from bot.i18n import t
from bot.render_text import answer_text
from index.engine import Engine, QuestionError

_QUIT = {"/thoat", "/thoát", "/quit", "/exit", "/q"}


def chat(engine: Engine) -> int:
    root = logging.getLogger()
    if root.level > logging.DEBUG:  # operator logs would interleave with the conversation
        root.setLevel(logging.WARNING)
    engine.warm_up()
    print(t("chat.welcome", documents=len(engine.documents())))
    context: int | None = None
    while True:
        try:
            question = input(t("chat.prompt"))
        except EOFError:
            print()
            break
        if question.strip().lower() in _QUIT:
            break
        if not question.strip():
            continue
        try:
            answer = engine.ask(question, context_document=context)
        except QuestionError as error:
            print(t(f"error.question_{error.code}", limit=engine.settings.max_question_chars))
            continue
        if answer.citations:
            context = answer.citations[0].document_id
        print(answer_text(answer))
        print()
    print(t("chat.bye"))
    return 0
