fmt --check fixtures/fmt/formatted.licit fixtures/fmt/layout.licit fixtures/fmt/comments.licit
