test fixtures/screen.licit
