"""The Telegram channel: updates in through the inbox, messages out through the outbox."""
