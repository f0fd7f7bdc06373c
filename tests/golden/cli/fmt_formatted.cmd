fmt fixtures/fmt/formatted.licit
