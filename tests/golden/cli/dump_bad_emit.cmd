dump --emit=bytecode fixtures/clean.licit
