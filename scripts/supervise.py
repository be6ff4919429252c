#!/usr/bin/env python3
"""Run several commands as one service: when any of them exits, or when this process is asked to
stop (SIGTERM, SIGINT, SIGHUP), every other one is stopped too. `make serve-prod` runs granian and
the task worker under it, so that a dead web server never leaves a worker behind (nor the reverse).

    scripts/supervise.py [--grace SECONDS] -- COMMAND ARGS... -- COMMAND ARGS...

Each command runs in its own process group, so that its children (granian's workers) get the
signal too. Stopping sends SIGTERM, then SIGKILL to what still runs after the grace period. The
exit status is the first command's to end (128 + signal number when a signal ended it), or 0
when this supervisor was asked to stop.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def parse(argv: list[str]) -> tuple[float, list[list[str]]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grace", type=float, default=10.0, help="seconds before SIGKILL")
    options, rest = parser.parse_known_args(argv[: argv.index("--")] if "--" in argv else argv)
    if rest or "--" not in argv:
        parser.error("give the commands after --, separated by --")
    commands, current = [], []
    for word in argv[argv.index("--") + 1 :]:
        if word == "--":
            commands.append(current)
            current = []
        else:
            current.append(word)
    commands.append(current)
    if not all(commands):
        parser.error("an empty command")
    return options.grace, commands


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def stop_all(processes: list[subprocess.Popen], grace: float) -> None:
    """SIGTERM to every group, then SIGKILL to those still running after `grace` seconds."""
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(p.poll() is None for p in processes):
        time.sleep(0.05)
    for process in processes:
        # The group may outlive its leader (a worker that ignores SIGTERM): kill it whole.
        _signal_group(process, signal.SIGKILL)
        process.wait()


def exit_status(returncode: int) -> int:
    return 128 - returncode if returncode < 0 else returncode


def main(argv: list[str]) -> int:
    grace, commands = parse(argv)
    asked_to_stop = []

    def on_signal(signum: int, _frame) -> None:
        asked_to_stop.append(signum)

    for signum in STOP_SIGNALS:
        signal.signal(signum, on_signal)
    processes = [subprocess.Popen(command, start_new_session=True) for command in commands]
    first = None
    while first is None and not asked_to_stop:
        first = next((p for p in processes if p.poll() is not None), None)
        time.sleep(0.1)
    if first is not None:
        name = os.path.basename(first.args[0])
        print(f"supervise: {name} ended ({first.returncode}), stopping the others", file=sys.stderr)
    stop_all(processes, grace)
    return 0 if first is None else exit_status(first.returncode)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
