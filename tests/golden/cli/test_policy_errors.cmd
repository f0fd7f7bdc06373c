test fixtures/errors.licit
