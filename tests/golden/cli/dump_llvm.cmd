dump --emit=llvm fixtures/clean.licit
