"""scripts/supervise.py, which `make serve-prod` uses: when one command dies the others are
stopped, a stop signal reaches every command and its children, and a command that ignores
SIGTERM is killed after the grace period. Dummy commands stand for granian and the worker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SUPERVISE = Path(__file__).resolve().parent.parent / "scripts" / "supervise.py"


def _sleeper(pid_file: Path, *, ignore_term: bool = False, child: bool = False) -> list[str]:
    """A Python command that writes its pid (and its child's) then sleeps."""
    code = "import os, signal, subprocess, sys, time\n"
    if ignore_term:
        code += "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    pids = "[os.getpid()]"
    if child:
        code += "c = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        pids = "[os.getpid(), c.pid]"
    code += f"open({str(pid_file)!r}, 'w').write(' '.join(map(str, {pids})))\ntime.sleep(60)\n"
    return [sys.executable, "-c", code]


def _pids(pid_file: Path) -> list[int]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if pid_file.exists() and pid_file.read_text().strip():
            return [int(pid) for pid in pid_file.read_text().split()]
        time.sleep(0.05)
    raise AssertionError("the dummy command never started")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is no longer running.
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split(") ")[-1].startswith("Z"))


def _supervise(*commands: list[str], grace: float = 5) -> subprocess.Popen:
    argv = [sys.executable, str(SUPERVISE), "--grace", str(grace)]
    for command in commands:
        argv += ["--", *command]
    return subprocess.Popen(argv, stderr=subprocess.PIPE, text=True)


def test_when_one_command_dies_the_others_are_stopped_and_its_status_returned(tmp_path):
    pid_file = tmp_path / "worker.pid"
    supervisor = _supervise(
        _sleeper(pid_file, child=True),
        [sys.executable, "-c", "import time, sys; time.sleep(2); sys.exit(3)"],
    )
    worker_pids = _pids(pid_file)

    assert supervisor.wait(timeout=20) == 3
    assert not any(_alive(pid) for pid in worker_pids)
    assert "ended (3)" in supervisor.stderr.read()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_stops_every_command_and_its_children(tmp_path, signum):
    web, worker = tmp_path / "web.pid", tmp_path / "worker.pid"
    supervisor = _supervise(_sleeper(web, child=True), _sleeper(worker))
    pids = _pids(web) + _pids(worker)

    supervisor.send_signal(signum)

    assert supervisor.wait(timeout=20) == 0
    assert not any(_alive(pid) for pid in pids)


def test_a_command_ignoring_sigterm_is_killed_after_the_grace_period(tmp_path):
    stubborn = tmp_path / "stubborn.pid"
    supervisor = _supervise(
        _sleeper(stubborn, ignore_term=True),
        [sys.executable, "-c", "import time; time.sleep(2)"],
        grace=0.5,
    )
    pids = _pids(stubborn)

    assert supervisor.wait(timeout=20) == 0
    assert not any(_alive(pid) for pid in pids)


def test_a_command_killed_by_a_signal_gives_128_plus_its_number(tmp_path):
    supervisor = _supervise(
        [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"],
        _sleeper(tmp_path / "worker.pid"),
    )
    assert supervisor.wait(timeout=20) == 128 + signal.SIGKILL


def test_commands_are_required():
    result = subprocess.run(
        [sys.executable, str(SUPERVISE), "--grace", "1"], capture_output=True, text=True
    )
    assert result.returncode == 2
