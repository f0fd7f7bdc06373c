check --diagnostics=json fixtures/errors.licit
