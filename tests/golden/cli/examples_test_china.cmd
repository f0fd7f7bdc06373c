test ../../../examples/china/cn-export-controls.licit
