"""Run every benchmark and print their tables (what `make bench` does)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script in ("debrief_rps.py", "packets.py", "scale.py", "sqlite_reads.py", "agreement.py"):
    print(f"\n## {script}\n", flush=True)
    subprocess.run([sys.executable, script], cwd=HERE, check=True)
