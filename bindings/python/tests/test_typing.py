"""The package is typed (py.typed): mypy accepts correct use and flags misuse,
and the stub that types the generated error says what the generated code makes."""

import ast
import inspect
import pathlib
import re
import subprocess
import sys

import userhash
from userhash._native import userhash_ffi as ffi

HERE = pathlib.Path(__file__).parent / "typing"


def mypy(target, cwd):
    # mypy is in the package's [test] extra; without it this fails (No module
    # named mypy) rather than skip.
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", "/dev/null", *target],
        capture_output=True, check=False,
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


def test_the_error_stub_names_exactly_the_generated_variants_and_fields():
    stub = pathlib.Path(userhash.__file__).with_name("_error.pyi")
    tree = ast.parse(stub.read_text())
    (error,) = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    assert error.name == "UserHashError"
    declared = {}
    for variant in (n for n in error.body if isinstance(n, ast.ClassDef)):
        init = next(n for n in variant.body if isinstance(n, ast.FunctionDef) and n.name == "__init__")
        attributes = [n.target.id for n in variant.body if isinstance(n, ast.AnnAssign)]
        parameters = [a.arg for a in init.args.args[1:]]
        assert attributes == parameters, variant.name
        declared[variant.name] = parameters
    generated = {
        name: list(inspect.signature(cls.__init__).parameters)[1:]
        for name, cls in vars(ffi.UserHashError).items()
        if isinstance(cls, type) and issubclass(cls, ffi.UserHashError)
    }
    assert declared == generated


def test_the_readme_example_type_checks(tmp_path):
    # The README's Python block, as a user would paste it.
    readme = pathlib.Path(__file__).parents[3] / "README.md"
    (block,) = re.findall(r"```python\n(.*?)```", readme.read_text(), re.DOTALL)
    example = tmp_path / "readme_example.py"
    example.write_text(block)
    code, out = mypy([str(example)], tmp_path)
    assert code == 0, out
