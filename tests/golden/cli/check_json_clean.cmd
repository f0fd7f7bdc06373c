check --diagnostics json fixtures/clean.licit
