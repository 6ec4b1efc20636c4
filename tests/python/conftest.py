import sys
from pathlib import Path

import pytest

# Lets the test modules import their shared helpers (dbt_project_runner).
sys.path.insert(0, str(Path(__file__).parent))

from built_once import run_folder  # noqa: E402
from dbt_project_runner import share_parses_in  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def dbt_parses_shared_by_the_run(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A parse of the project that run_dbt makes serves every worker of the
    test run, not only the one that made it: a parse costs about 10 s."""
    share_parses_in(run_folder(tmp_path_factory))
