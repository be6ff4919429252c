"""Every reader runs in a child process with a memory and a CPU-time limit.

Imported files are hostile input: a spreadsheet with one cell at XFD1048576, a zip bomb, JSON
nested a million deep. Parsing them in the web server or the task worker would let one file
abort the process (under granian, the whole site). Here only the child dies; the parent turns
its death into a French reason (ReaderCrashed) and the run ends « échoué ».

The child (`python -m maillage.opendata.readers.isolated`) reads one JSON request on stdin and
writes JSON lines on stdout: the rows as they come, so memory in the parent stays one row.
It imports no Django: starting it costs about 50 ms.
"""

import json
import resource
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from maillage.opendata.readers.base import FileRefused, Preview, RowProblem, RowStream

PACKAGE_ROOT = Path(__file__).resolve().parents[3]
STDERR_TAIL = 2000


class ReaderCrashed(Exception):
    """The reader process died (memory, CPU time, bug): the message says why, in French."""


def _problem(data: dict) -> RowProblem:
    return RowProblem(**data)


class IsolatedReader:
    """The interface of the readers (headers, mapping, notices, count, rows, preview), each call
    answered by a child process under the limits."""

    def __init__(
        self,
        format: str,
        *,
        path: Path,
        file_name: str,
        mapping: dict[str, str] | None = None,
        memory_mb: int,
        cpu_seconds: int,
    ) -> None:
        self.request = {
            "format": format,
            "path": str(Path(path).resolve()),
            "file_name": file_name,
            "mapping": mapping or None,
            "memory_bytes": memory_mb * 2**20,
            "cpu_seconds": cpu_seconds,
        }
        self.memory_mb, self.cpu_seconds = memory_mb, cpu_seconds
        self.headers: list[str] = []
        self.mapping: dict[str, str] = {}
        self.notices: list[RowProblem] = []

    def _messages(self, action: str, *, timeout: float | None = None) -> Iterator[dict]:
        """The child's lines; raises FileRefused or ReaderCrashed as the child ends."""
        with tempfile.TemporaryFile() as stderr:
            child = subprocess.Popen(
                [sys.executable, "-m", "maillage.opendata.readers.isolated"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                cwd=PACKAGE_ROOT,
            )
            timer = threading.Timer(timeout, child.kill) if timeout else None
            if timer:
                timer.start()
            ended = False
            try:
                child.stdin.write(json.dumps({**self.request, "action": action}).encode())
                child.stdin.close()
                for raw in child.stdout:
                    message = json.loads(raw)
                    if "refused" in message:
                        raise FileRefused(message["refused"])
                    if "end" in message:
                        ended = True
                        break
                    yield message
            finally:
                if timer:
                    timer.cancel()
                if not ended:
                    child.kill()
                child.stdout.close()
                code = child.wait()
            if not ended:
                stderr.seek(0)
                raise ReaderCrashed(self._reason(code, stderr.read()[-STDERR_TAIL:], timeout))

    def _reason(self, code: int, stderr: bytes, timeout: float | None) -> str:
        text = stderr.decode("utf-8", "replace")
        if code == -signal.SIGXCPU:
            return (
                "La lecture du fichier a dépassé la limite de temps de calcul "
                f"({self.cpu_seconds} s) : fichier trop gros ou construit pour bloquer la lecture."
            )
        if code == -signal.SIGKILL and timeout:
            return f"La lecture du fichier a pris plus de {timeout:.0f} s : elle est arrêtée."
        if "MemoryError" in text or "memory allocation" in text or code == -signal.SIGABRT:
            return (
                f"La lecture du fichier a dépassé la limite de mémoire ({self.memory_mb} Mo) : "
                "fichier trop gros ou construit pour épuiser la mémoire."
            )
        last = next((line for line in reversed(text.strip().splitlines()) if line.strip()), "")
        return f"La lecture du fichier s'est arrêtée sans finir (code {code}). {last[:300]}".strip()

    def _meta(self, message: dict) -> None:
        self.headers, self.mapping = message["headers"], message["mapping"]
        self.notices = [_problem(notice) for notice in message["notices"]]

    def count(self) -> int:
        """Reads the whole file once (as the readers' count does), notices included."""
        total = 0
        for message in self._messages("count"):
            if "count" in message:
                total = message["count"]
            if "headers" in message:
                self._meta(message)
        return total

    def rows(self) -> RowStream:
        for message in self._messages("rows"):
            if "problem" in message:
                yield message["line"], _problem(message["problem"])
            elif "row" in message:
                yield message["line"], message["row"]

    def preview(self, count: int = 5, *, timeout: float | None = None) -> Preview:
        preview = None
        for message in self._messages("preview", timeout=timeout):
            if "preview" in message:
                data = message["preview"]
                data["notices"] = [_problem(notice) for notice in data["notices"]]
                preview = Preview(**data)
        assert preview is not None
        self.headers, self.mapping, self.notices = preview.headers, preview.mapping, preview.notices
        return preview


def _limit(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    sys.setrecursionlimit(10_000)


def _serve(request: dict, emit) -> None:
    from maillage.opendata.readers import make_reader

    path = Path(request["path"])
    reader = make_reader(
        request["format"],
        opener=lambda: path.open("rb"),
        file_name=request["file_name"],
        mapping=request["mapping"],
        path=path,
    )

    def meta(**extra) -> dict:
        notices = [asdict(notice) for notice in getattr(reader, "notices", [])]
        return {"headers": reader.headers, "mapping": reader.mapping, "notices": notices, **extra}

    action = request["action"]
    if action == "count":
        total = reader.count()
        emit(meta(count=total))  # after the reading: notices found on the way are in
    elif action == "preview":
        emit({"preview": asdict(reader.preview())})
    elif action == "rows":
        for line, row in reader.rows():
            if isinstance(row, RowProblem):
                emit({"line": line, "problem": asdict(row)})
            else:
                emit({"line": line, "row": row})


def main() -> None:
    request = json.loads(sys.stdin.read())
    _limit(request["memory_bytes"], request["cpu_seconds"])
    out = sys.stdout

    def emit(message: dict) -> None:
        out.write(json.dumps(message, ensure_ascii=False) + "\n")

    try:
        _serve(request, emit)
    except FileRefused as refused:
        emit({"refused": str(refused)})
    emit({"end": True})
    out.flush()


if __name__ == "__main__":
    main()
