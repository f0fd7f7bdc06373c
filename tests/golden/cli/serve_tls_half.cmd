serve fixtures/screen.licit --tls-cert c.pem
