match --name "Acme"
