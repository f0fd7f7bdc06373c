run fixtures/screen.licit
