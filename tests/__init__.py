"""The tests, mirroring the package tree (see ``tests/test_layout.py``)."""

from pathlib import Path

# screenshots and rendered pages the tests keep for a look (ignored by git)
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
