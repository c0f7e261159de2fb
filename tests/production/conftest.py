"""The production smoke test runs only when asked for by its marker (`pytest -m production`, as .ci/run does): it
builds a PostgreSQL database and starts real servers, which `make test` (no marker) should not do on every run."""


def pytest_collection_modifyitems(config, items):
    if "production" in (config.getoption("markexpr") or ""):
        return
    chosen = [item for item in items if item.get_closest_marker("production") is None]
    if len(chosen) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in chosen])
        items[:] = chosen
