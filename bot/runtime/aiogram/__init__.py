"""The aiogram 3 runtime: aiogram's updates in, `bot.runtime.edge.Edge` out.

Chosen with BOT_RUNTIME=aiogram; see `bot.runtime.edge` for the contract it shares with
`bot.runtime.ptb`.
"""
