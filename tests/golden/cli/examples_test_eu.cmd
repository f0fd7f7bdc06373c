test ../../../examples/eu/eu-dual-use.licit
