"""Config tests."""


def test_config_reload_resets(app_config):
    """Stable: reload() restores the defaults. In file order it runs between test_checkout and
    test_pricing, which is the only reason test_pricing passes in a sequential run."""
    app_config.reload()
    assert app_config.currency == "EUR"
    assert app_config.features == {"core"}
