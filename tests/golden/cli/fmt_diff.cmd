fmt --diff fixtures/fmt/comments.licit fixtures/fmt/formatted.licit
