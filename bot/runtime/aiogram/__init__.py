"""The aiogram 3 runtime: aiogram's updates in, `bot.runtime.edge.Edge` out.

Chosen with BOT_RUNTIME=aiogram; see `bot.runtime.edge` for the contract it shares with
`bot.runtime.ptb`.
"""

from bot.runtime.aiogram.lazy_models import import_aiogram

# Before any module of this package imports aiogram: its types' schemas are then built when
# first needed, not all at start-up (lazy_models.py says why).
import_aiogram()
