fmt fixtures/fmt/comments.licit
