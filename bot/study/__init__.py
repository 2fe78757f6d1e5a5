"""Study sessions: what a Party cell does with a new resolution — read it together, ask about it, test itself —
and what a committee does to check it was studied (contests, attendance, results). No Telegram here: the
handlers in :mod:`bot.telegram.handlers` and the ``nqbot quiz`` commands are thin layers over these.

* :mod:`bot.study.bank` — the question bank: generated per document version, imported from files, reviewed;
* :mod:`bot.study.results` — quiz runs, their rounds and every answer; scoreboards, scores and streaks;
* :mod:`bot.study.practice` — personal practice with Leitner boxes (missed questions come back);
* :mod:`bot.study.sessions` — guided reading, attendance, who asked or answered, the group's hosts;
* :mod:`bot.study.daily` — a daily question per group; :mod:`bot.study.contests` — contests, one attempt each;
* :mod:`bot.study.saved` — passages members saved; :mod:`bot.study.exports` — CSV and XLSX for the records.

All of it lives in the bot store it shares — ``bot.sqlite3`` (schema version 3), or PostgreSQL when
``NQBOT_DATABASE_URL`` is set (:mod:`bot.store_postgres`) — synchronous and thread-safe like that store.
"""
