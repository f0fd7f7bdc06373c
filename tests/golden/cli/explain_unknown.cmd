explain fixtures/screen.licit --record "{\"id\":\"S4\",\"date\":\"2026-02-01\",\"destination\":\"US\",\"item\":{}}"
