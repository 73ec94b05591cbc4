"""Background servers of the local setup: started with a PID file, stopped by that PID."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from esup import settings


def run_dir() -> Path:
    path = settings.home() / "run"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pid_of(name: str) -> int | None:
    pid_file = run_dir() / f"{name}.pid"
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text().strip() or 0)
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        pid_file.unlink(missing_ok=True)
        return None
    return pid


def start(name: str, args: list[str], env: dict[str, str]) -> int:
    """Start ``args`` in its own process group unless already running; return its PID."""
    running = pid_of(name)
    if running:
        return running
    log = open(run_dir() / f"{name}.log", "ab")
    process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    (run_dir() / f"{name}.pid").write_text(str(process.pid))
    return process.pid


def stop(name: str, timeout: float = 20) -> bool:
    pid = pid_of(name)
    if not pid:
        return False
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        os.killpg(pid, signal.SIGKILL)
    (run_dir() / f"{name}.pid").unlink(missing_ok=True)
    return True
