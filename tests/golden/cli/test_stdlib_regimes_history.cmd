test fixtures/regimes_history.licit
