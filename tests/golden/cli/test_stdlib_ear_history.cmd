test fixtures/ear_history.licit
