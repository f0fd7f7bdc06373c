diff fixtures/diff/before-ban.licit ../../../examples/cn-japan-2026.licit
