"""Command output written to a file or a pipe stays whole: no table cut to the 80 columns Rich assumes when
there is no terminal."""

from __future__ import annotations

import os
import subprocess
import sys

RUN_PF = "import sys; from priority_families.cli.app import main; sys.argv[0] = 'pf'; main()"


def test_a_table_piped_to_a_file_keeps_every_value_on_its_line():
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    out = subprocess.run([sys.executable, "-c", RUN_PF, "plan", "list"], capture_output=True, text=True,
                         env=env, timeout=120, check=True).stdout
    rows = [line for line in out.splitlines() if "nottinghamshire-2015" in line]
    assert len(rows) == 1 and "Nottinghamshire County Council" in rows[0] and "at least 2 headlines" in rows[0]
    assert "…" not in out
