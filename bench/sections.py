"""BENCHMARKS.md is made of sections, one per benchmark, each rewritten only by its own script.

A section sits between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`: a script that measures
one thing replaces its own section and keeps the others, with their figures, as they are.
"""

import re
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"


def write_section(name: str, markdown: str, path: Path = BENCHMARKS) -> None:
    """Replace the section `name` of BENCHMARKS.md, or append it when it is not there yet."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"<!-- bench:{name} -->\n{markdown.strip()}\n<!-- /bench:{name} -->"
    pattern = re.compile(
        rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S
    )
    if pattern.search(text):
        text = pattern.sub(lambda _match: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text.rstrip("\n") + "\n")
