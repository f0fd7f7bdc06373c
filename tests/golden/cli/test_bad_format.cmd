test --format yaml fixtures/screen.licit
