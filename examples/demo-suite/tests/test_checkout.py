"""Checkout tests. Both leak state into the shared, session-scoped ``app_config`` (see conftest.py)."""


def test_enable_beta_checkout(app_config):
    """Stable itself, but turns on a feature flag in the shared config and never turns it off."""
    app_config.features.add("beta-checkout")
    assert "beta-checkout" in app_config.features


def test_checkout_in_usd(app_config):
    """Stable itself, but switches the shared config to USD and never switches it back."""
    app_config.currency = "USD"
    assert app_config.currency == "USD"
