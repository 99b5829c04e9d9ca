"""Shared fixtures for the flakelens demo suite."""

import pytest


class AppConfig:
    """A process-wide configuration object, built once and cached (like a settings singleton)."""

    DEFAULTS = {"features": ("core",), "currency": "EUR"}

    def __init__(self):
        self.reload()

    def reload(self):
        """Reset every setting to its default value (what a config hot-reload does)."""
        self.features = set(self.DEFAULTS["features"])
        self.currency = self.DEFAULTS["currency"]


_APP_CONFIG = None


@pytest.fixture(scope="session")
def app_config():
    """Session-scoped and shared: one instance per process (per xdist worker)."""
    global _APP_CONFIG
    if _APP_CONFIG is None:
        _APP_CONFIG = AppConfig()
    return _APP_CONFIG
