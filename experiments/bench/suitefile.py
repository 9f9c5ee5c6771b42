"""Reading a suite file the way `repro` does for the keys the bench scripts need."""
import json
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def load_suite(name):
    """A suite with its `include` chain resolved: the included file's keys, then this file's."""
    suite = json.load(open(os.path.join(ROOT, "experiments", "suites", name + ".json")))
    if "include" in suite:
        base = load_suite(os.path.splitext(suite.pop("include"))[0])
        base.update(suite)
        suite = base
    return suite
