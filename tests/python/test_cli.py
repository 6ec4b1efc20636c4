"""`segmentation <command>`: every command named in the entry point runs
its module's own command line, and nothing else answers to the name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from segmentation import cli

SCRIPT = Path(sys.executable).with_name("segmentation")


@pytest.mark.parametrize("command", sorted(cli.COMMANDS))
def test_each_command_shows_its_own_options(command):
    done = subprocess.run(
        [str(SCRIPT), command, "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: segmentation {command} ")


def test_the_runtime_commands_do_not_import_the_development_tools():
    for command, (module, _) in cli.COMMANDS.items():
        if command != "data":
            assert module.startswith("segmentation."), command
    probe = (
        "import sys, importlib;"
        "[importlib.import_module(m) for m, _ in __import__('segmentation.cli')"
        ".cli.COMMANDS.values() if m.startswith('segmentation.')];"
        "print(sorted(n for n in sys.modules if n.startswith('segmentation_dev')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_an_unknown_command_fails_and_lists_the_commands():
    done = subprocess.run(
        [str(SCRIPT), "publsh"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "invalid choice: 'publsh'" in done.stderr
    assert "publish" in done.stderr


def test_no_command_shows_the_list():
    done = subprocess.run([str(SCRIPT)], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert "summary" in done.stdout
