"""pytest plugin of scripts/test: which services the selected tests need.

``python -m pytest --collect-only -q -p pytest_needs ARGS`` (with scripts/ on PYTHONPATH) writes
to the file named by HUB_TEST_NEEDS_FILE one word per line: ``integration`` when a selected test
is marked so (PostgreSQL, Redis, nginx), ``browser`` when one drives Chromium.
"""

import os


def pytest_collection_finish(session):
    needs = set()
    for item in session.items:
        markers = {marker.name for marker in item.iter_markers()}
        if "integration" in markers:
            needs.add("integration")
        if "browser" in markers or "browser" in getattr(item, "fixturenames", ()):
            needs.add("browser")
    path = os.environ.get("HUB_TEST_NEEDS_FILE")
    if path:
        with open(path, "w", encoding="utf-8") as needs_file:
            needs_file.writelines(f"{need}\n" for need in sorted(needs))
