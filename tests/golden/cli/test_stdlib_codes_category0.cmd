test fixtures/codes_category0.licit
