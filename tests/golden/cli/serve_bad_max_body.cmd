serve fixtures/screen.licit --max-body 12X
