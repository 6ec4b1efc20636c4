import sys
from pathlib import Path

# Lets the test modules import their shared helpers (dbt_project_runner).
sys.path.insert(0, str(Path(__file__).parent))
