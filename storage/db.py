"""Engine, sessions and migrations. Nothing here commits on behalf of a caller."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from contextvars import ContextVar
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event, inspect, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import sqlite_driver

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# True inside a SQLite transaction's turn (see Database._turn).
_in_turn: ContextVar[bool] = ContextVar("sqlite_turn", default=False)
# Execution option that makes a SQLite transaction begin with BEGIN IMMEDIATE.
_IMMEDIATE = "paket_begin_immediate"


def normalise_url(url: str) -> str:
    """Accept plain `sqlite:///` and `postgresql://` URLs and pick the async driver."""
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url.removeprefix(prefix)
    return url


def is_postgres(url: str) -> bool:
    return normalise_url(url).startswith("postgresql")


def _ensure_sqlite_dir(url: str) -> None:
    if url.startswith("sqlite+aiosqlite:///") and ":memory:" not in url:
        Path(url.removeprefix("sqlite+aiosqlite:///")).parent.mkdir(parents=True, exist_ok=True)


# SQLite waits this long for another process's write lock (the CLI beside a running bot).
SQLITE_BUSY_SECONDS = 30
# PostgreSQL connections a process keeps, unless told otherwise (DATABASE_POOL_SIZE).
POOL_SIZE = 10


def create_engine(url: str, *, pool_size: int = POOL_SIZE) -> AsyncEngine:
    """An async engine; SQLite gets foreign keys, WAL and write-locking transactions."""
    url = normalise_url(url)
    _ensure_sqlite_dir(url)
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite+aiosqlite:///")
        engine = create_async_engine(
            url,
            async_creator=partial(sqlite_driver.connect, path, busy_timeout=SQLITE_BUSY_SECONDS),
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            # Let SQLAlchemy, not the driver, say when a transaction begins (see _begin).
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode, fewer fsyncs
            # Statements run on the event loop (storage/sqlite_driver.py): a commit must not
            # sync the file. The bot checkpoints the log on a thread instead (`checkpoint`);
            # a process without it (the CLI) checkpoints when its last connection closes.
            cursor.execute("PRAGMA wal_autocheckpoint=0")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn):  # type: ignore[no-untyped-def]
            # A deferred transaction that reads, then writes, fails at once with "database is
            # locked" when another writer got there first (the busy timeout cannot help it).
            # Taking the write lock up front makes every transaction wait its turn instead.
            immediate = conn.get_execution_options().get(_IMMEDIATE, False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    # A fixed pool: more updates in flight than connections wait their turn for one, which
    # costs far less than opening connections for a burst (and holding them after). Sized to
    # the work, not to the people: with a connection per update in flight (up to 68 before),
    # two bots on one server could exhaust PostgreSQL's default 100 connections.
    # No pre-ping: with asyncpg it is three round trips (BEGIN, a ping, ROLLBACK) before every
    # transaction, about an eighth of an update's CPU, to guard against what happens only when
    # the server restarts. Then the first statement on an old connection fails instead;
    # SQLAlchemy drops every connection the pool held, and the update is simply run again
    # (`is_dropped_connection`, bot/runtime/dispatch.py).
    return create_async_engine(url, pool_size=pool_size, max_overflow=0)


class Database:
    """The store: one engine, sessions on demand, one transaction per unit of work."""

    def __init__(self, url: str, *, pool_size: int = POOL_SIZE) -> None:
        self.url = normalise_url(url)
        self.engine = create_engine(self.url, pool_size=pool_size)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )
        # SQLite has one writer at a time. Queueing this process's transactions here (FIFO,
        # no polling) is fairer and faster than letting each wait on SQLite's busy handler;
        # BEGIN IMMEDIATE still guards against other processes. PostgreSQL needs neither.
        self._sqlite_writer = None if self.is_postgres else asyncio.Lock()

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgresql")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work is committed on success and rolled back on any error.

        Keep it short: no network calls inside (on SQLite it holds the one write lock).
        """
        async with self._turn() as top_level, self._sessions() as session:
            try:
                if top_level and self._sqlite_writer is not None:
                    await session.connection(execution_options={_IMMEDIATE: True})
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session that only reads, outside the write turn; always rolled back.

        For long reads (a report over the whole kota): on SQLite (WAL) readers never wait for,
        or hold up, the writer, so the updates of everyone else go on meanwhile.
        """
        async with self._sessions() as session:
            try:
                yield session
            finally:
                await session.rollback()

    def _turn(self) -> AbstractAsyncContextManager[bool]:
        """Wait for this process's SQLite write turn; yields whether this is the outermost.

        A transaction opened inside another of the same task (a test helper, a CLI lookup)
        must not wait for its own outer turn: it runs as a plain deferred transaction.
        """
        if self._sqlite_writer is None:
            return nullcontext(True)
        if _in_turn.get():
            return nullcontext(False)
        return self._held(self._sqlite_writer)

    @staticmethod
    @asynccontextmanager
    async def _held(lock: asyncio.Lock) -> AsyncIterator[bool]:
        async with lock:
            token = _in_turn.set(True)
            try:
                yield True
            finally:
                _in_turn.reset(token)

    async def checkpoint(self) -> None:
        """Copy SQLite's write-ahead log into the database file, off the event loop.

        PASSIVE: it never waits for, or holds up, this process's transactions; what a reader
        still needs stays in the log for the next run. A no-op on PostgreSQL.
        """
        path = self.url.removeprefix("sqlite+aiosqlite:///")
        if self.is_postgres or ":memory:" in path:
            return
        await asyncio.to_thread(_checkpoint, path)

    async def dispose(self) -> None:
        await self.engine.dispose()


def _checkpoint(path: str) -> None:
    connection = sqlite3.connect(path, timeout=SQLITE_BUSY_SECONDS)
    try:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        connection.close()


# What a database that cannot be reached raises, whichever driver: refused or dropped
# connections, a pool that cannot hand one out, SQLite's "database is locked" after the busy
# timeout or "unable to open database file". Retrying the same work later can succeed.
_UNAVAILABLE = (
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
    ConnectionError,
    OSError,
    TimeoutError,
)


_OUT_OF_REACH = (
    "locked",
    "busy",
    "unable to open",
    "disk i/o",
    "connection",
    "closed",
    "timeout",
    "timed out",
    "terminat",
    "refused",
    "shutting down",
)


def is_dropped_connection(error: BaseException) -> bool:
    """True when `error` came from a pooled connection the server had closed (it restarted).

    SQLAlchemy then discards all the pool's older connections, so trying again at once
    opens a new one; if the server is really away, that attempt fails as an outage.
    """
    return any(_invalidated(seen) for seen in _causes(error))


def is_unavailable(error: BaseException) -> bool:
    """True when `error` says the database is out of reach (not that the work was wrong).

    asyncpg's own connection errors arrive bare or as the cause of SQLAlchemy's wrapper, so
    the chain of causes is searched too.
    """
    return any(_out_of_reach(seen) for seen in _causes(error))


def _causes(error: BaseException) -> Iterator[BaseException]:
    """`error` and the errors it was raised from (causes never loop in practice; bounded)."""
    seen: BaseException | None = error
    for _ in range(5):
        if seen is None:
            return
        yield seen
        seen = seen.__cause__


def _invalidated(error: BaseException) -> bool:
    return isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated


def _out_of_reach(error: BaseException) -> bool:
    if isinstance(error, _UNAVAILABLE) or _invalidated(error):
        return True
    # OperationalError is also "no such table", a bug that no wait will fix: only the
    # messages that mean "cannot reach it now" count.
    if isinstance(error, sa_exc.OperationalError):
        return any(marker in str(error).lower() for marker in _OUT_OF_REACH)
    return type(error).__module__.startswith("asyncpg") and "Connection" in type(error).__name__


def alembic_config(url: str) -> Config:
    from alembic.config import Config  # see `migrate`: Alembic is loaded only to migrate

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations. Synchronous: call it before the event loop starts or in a thread."""
    from alembic import command

    _ensure_sqlite_dir(normalise_url(url))
    command.upgrade(alembic_config(url), revision)


def migrate(url: str) -> None:
    """Bring the database to the newest revision; one query when it is there already.

    Alembic, with Mako, is about 11 MB of modules that a running bot would carry for good
    once imported, for a check that is nearly always "nothing to do". So the revision is read
    first, and Alembic imported only when there are migrations to run. Synchronous, like
    `upgrade`: call it before the event loop starts or in a thread.
    """
    if asyncio.run(revision_of(url)) != head_revision():
        upgrade(url)


def head_revision() -> str:
    """The newest migration's revision, read from the file names (Alembic not loaded).

    Every migration is named after its revision ("0014_outbox_chat_lane_index.py" holds
    revision "0014"), one after another with no branches; `tests/test_migrations.py` checks
    that this agrees with Alembic's own head.
    """
    versions = (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py")
    return max(path.name.split("_", 1)[0] for path in versions)


async def revision_of(url: str) -> str | None:
    """The revision the database at `url` is at (Alembic's version table); None if never migrated."""
    db = Database(url)
    try:
        async with db.engine.connect() as connection:
            if not await connection.run_sync(lambda c: inspect(c).has_table("alembic_version")):
                return None
            found = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return found.scalar_one_or_none()
    finally:
        await db.dispose()
