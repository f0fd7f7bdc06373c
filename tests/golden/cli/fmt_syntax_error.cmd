fmt fixtures/fmt/syntax_error.licit
