test fixtures/ear_sta_history.licit
