check --diagnostics=xml fixtures/clean.licit
