serve fixtures/screen.licit --addr nowhere
