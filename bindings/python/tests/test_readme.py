"""The README's Python example runs as written, so it cannot drift from the code."""

import contextlib
import io
import pathlib
import re

README = pathlib.Path(__file__).parents[3] / "README.md"


def test_readme_python_example_runs(monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)
    assert len(blocks) == 1
    monkeypatch.setenv("USERHASH_SECRET", "readme-test-secret-0123456789abcdef")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(blocks[0], "README.md", "exec"), {})  # noqa: S102 - the README's own block, run as a user would
    assert out.getvalue() == "verified as a+b@example.com\njane@example.com\nuser-42\n"
