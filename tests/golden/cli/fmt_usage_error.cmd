fmt -w --check fixtures/fmt/formatted.licit
