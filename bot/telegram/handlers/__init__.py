"""Telegram update handlers: thin — parse, call the core off the event loop, render."""
