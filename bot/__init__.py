"""Front ends: the ``nqbot`` command line and the Telegram bot."""
