#!/usr/bin/env bash
# The install test: the built wheel in a fresh virtual environment, outside the repository, as a
# user gets it from `pip install cs-core`.
#
#   scripts/install_test.sh WHEEL
#
# Checks: the wheel is abi3 (one wheel for every CPython >= 3.10); pip resolves its dependencies
# (numpy, pyarrow, and pandas through the `pandas` extra, as the README's install command) by
# itself; `import cs_core` works from a directory that is not the repository and imports neither
# pyspark, pandas, polars nor scikit-learn; the type stubs and py.typed are installed; a
# computation gives the published value; the portfolio review renders from the sample embedded
# in the extension; the README's first Python example runs as written.
set -euo pipefail
wheel=$(realpath "$1")
case "$(basename "$wheel")" in
    cs_core-*-cp310-abi3-*.whl) ;;
    *) echo "install test: $wheel is not an abi3 wheel for CPython >= 3.10" >&2; exit 1 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel[pandas]"
readme="$(realpath "$(dirname "$0")/../README.md")"
# The README's first Python example (under "## Python"), as a user pastes it.
python3 - "$readme" > "$work/readme_example.py" <<'EOF'
import re
import sys

text = open(sys.argv[1], encoding="utf-8").read()
section = text[text.index("\n## Python\n") :]
print(re.search(r"```python\n(.*?)```", section, re.S).group(1))
EOF
cd "$work"
"$work/venv/bin/python" readme_example.py
"$work/venv/bin/python" - <<'EOF'
import pathlib
import sys

import cs_core as cs

package = pathlib.Path(cs.__file__).parent
assert "site-packages" in str(package), package
for name in ("py.typed", "_cs_core.pyi", "__init__.py"):
    assert (package / name).is_file(), f"{name} is not installed"
for heavy in ("pyspark", "pandas", "polars", "sklearn"):
    assert heavy not in sys.modules, f"import cs_core imported {heavy}"

# Reichheld's definition: % promoters - % detractors; 2 promoters, 1 passive, 1 detractor.
result = cs.nps([10, 9, 7, 3])
assert result.score == 25.0, result.score
assert result.responses == 4

report = cs.report()
assert report.html.startswith("<!DOCTYPE html>"), report.html[:40]
report.write("report.html")
assert pathlib.Path("report.html").stat().st_size > 10_000
print(f"install test: cs_core {cs.__version__} from {package}, NPS {result.score}, report written")
EOF
