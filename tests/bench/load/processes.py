"""The bot under test as a child process: start it, read its peak memory, stop it."""

from __future__ import annotations

import asyncio
import compileall
import functools
import os
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
# Settings a developer's shell may hold that would send the bot elsewhere (webhook mode, an
# operator chat the simulator does not know).
_UNSET = ("WEBHOOK_URL", "WEBHOOK_SECRET", "OPERATOR_CHAT_ID", "DATABASE_URL")


@functools.cache
def write_bytecode() -> None:
    """Compile the repository's modules (once), as `make bytecode` does.

    Under PYTHONDONTWRITEBYTECODE (set on this team's machines) nothing else writes them, and
    each bot would compile its modules anew: start-up would measure that, which neither an
    installed wheel nor `make run` does.
    """
    for package in ("bot", "conversations", "storage", "tests"):
        compileall.compile_dir(REPO / package, quiet=1)


def paket_command() -> list[str]:
    """`paket-bot run` from the same environment as this Python."""
    script = Path(sys.executable).with_name("paket-bot")
    if script.exists():
        return [str(script), "run"]
    return [sys.executable, "-c", "from bot.cli import main; main()", "run"]


def echo_command() -> list[str]:
    """The bare PTB echo bot."""
    return [sys.executable, "-m", "tests.bench.load.echo_bot"]


def aiogram_echo_command() -> list[str]:
    """The bare aiogram echo bot."""
    return [sys.executable, "-m", "tests.bench.load.aiogram_echo"]


@dataclass
class Child:
    """A running bot process; its stdout and stderr go to `log` (kept after the run)."""

    process: asyncio.subprocess.Process
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def peak_rss_mb(self) -> float | None:
        """Peak resident memory so far (VmHWM), in MB; None where /proc is not available."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)  # kB
        return None

    def cpu_seconds(self) -> float | None:
        """User + system CPU time used so far; None where /proc is not available."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return None
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (name)": state is field 3
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def exited(self) -> int | None:
        """The exit code if the process has ended, else None."""
        return self.process.returncode

    async def stop(self, grace: float = 15.0) -> int:
        """SIGINT (PTB shuts down cleanly on it), then SIGKILL after `grace` seconds."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.process.wait(), grace)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        assert self.process.returncode is not None
        return self.process.returncode

    def problems(self, limit: int = 5) -> tuple[int, list[str]]:
        """How many ERROR/CRITICAL/Traceback lines the bot wrote, and the first few."""
        found = [
            line.rstrip()
            for line in self.log.read_text(errors="replace").splitlines()
            if any(word in line for word in ("ERROR", "CRITICAL", "Traceback"))
        ]
        return len(found), found[:limit]

    def tail(self, lines: int = 20) -> str:
        """The end of stderr, for a bot that did not start."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


async def start(
    name: str, command: list[str], env: dict[str, str], workdir: Path, log_dir: Path | None = None
) -> Child:
    """Start `command` in `workdir` (no `.env` there) with the environment plus `env`."""
    full_env = {k: v for k, v in os.environ.items() if k not in _UNSET}
    full_env.update(env)
    # The echo bot is imported from this repository; `paket-bot` is installed into the venv.
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), full_env.get("PYTHONPATH")]))
    handle, path = tempfile.mkstemp(prefix=f"bench-{name}-", suffix=".log", dir=log_dir)
    with os.fdopen(handle, "wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            *command,
            cwd=workdir,
            env=full_env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=stderr,
            stderr=stderr,
        )
    return Child(process, Path(path))
