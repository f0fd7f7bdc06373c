test ../../../examples/japan/fefta.licit
