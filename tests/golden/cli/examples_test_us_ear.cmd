test ../../../examples/us-ear/us-ear.licit
