"""Pricing tests that read the shared, session-scoped ``app_config``."""


def final_price(cents, config):
    if "beta-checkout" in config.features:
        cents = cents * 90 // 100  # beta checkout applies a 10% launch discount
    symbol = {"EUR": "€", "USD": "$"}[config.currency]
    return f"{symbol}{cents // 100}.{cents % 100:02d}"


def test_default_price_pristine_config(app_config):
    """Parallel-sensitive (test-order/fixture dependency): assumes app_config is pristine; under
    xdist it fails when its worker ran a test_checkout test but not test_config's reload."""
    assert final_price(1999, app_config) == "€19.99", f"config polluted by an earlier test: {vars(app_config)}"
