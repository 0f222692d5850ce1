"""The python-telegram-bot runtime: PTB's updates in, `bot.runtime.edge.Edge` out.

Only this package (with `bot.runtime.aiogram` for the other runtime) knows which framework
runs; see `bot.runtime.edge` for the contract both implement.
"""
