"""Telegram update handlers, thin: a decorator from :mod:`bot.telegram.turn` admits the caller, the handler
reads its arguments, calls a use case from ``bot/`` (asking, library, uploads, admin, groups, members) and
renders the outcome. No policy lives here."""
