fmt fixtures/fmt/layout.licit
