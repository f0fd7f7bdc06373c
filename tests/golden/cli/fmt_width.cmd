fmt fixtures/fmt/width.licit
