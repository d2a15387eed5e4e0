"""The package is typed (py.typed): mypy accepts correct use and flags misuse."""

import pathlib
import re
import subprocess
import sys

HERE = pathlib.Path(__file__).parent / "typing"


def mypy(target, cwd):
    # mypy is in the package's [test] extra; without it this fails (No module
    # named mypy) rather than skip.
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", "/dev/null", *target],
        capture_output=True,
        text=True,
        cwd=cwd,  # away from the source tree, so mypy checks the installed package as a user's would
    )
    return run.returncode, run.stdout


def test_correct_use_type_checks(tmp_path):
    code, out = mypy([str(HERE / "uses_api.py")], tmp_path)
    assert code == 0, out


def test_misuse_is_flagged_on_every_marked_line(tmp_path):
    code, out = mypy([str(HERE / "misuses_api.py")], tmp_path)
    marked = {i for i, line in enumerate((HERE / "misuses_api.py").read_text().splitlines(), 1) if line.endswith("# E")}
    flagged = {int(m) for m in re.findall(r"misuses_api\.py:(\d+): error", out)}
    assert code == 1 and marked and flagged == marked, out


def test_the_facade_itself_is_strict_clean(tmp_path):
    # The installed `userhash` module (the generated one below it is uniffi's).
    code, out = mypy(["-m", "userhash"], tmp_path)
    assert code == 0, out
