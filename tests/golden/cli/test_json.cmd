test --format json fixtures/screen_failing_test.licit
