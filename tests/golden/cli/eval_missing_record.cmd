eval fixtures/screen.licit
