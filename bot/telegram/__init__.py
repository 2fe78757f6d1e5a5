"""The Telegram front end (python-telegram-bot). Only this package imports ``telegram``."""
