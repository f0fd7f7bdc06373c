explain fixtures/screen.licit --fail-on deny --record "{\"id\":\"S1\",\"date\":\"2026-02-01\",\"destination\":\"JP\",\"end_use\":\"military\",\"item\":{\"cn\":\"1C902\"}}"
