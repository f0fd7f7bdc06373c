explain fixtures/screen.licit --record "{\"id\":\"S5\",\"date\":\"2026-02-01\",\"destination\":\"UK\",\"item\":{}}"
