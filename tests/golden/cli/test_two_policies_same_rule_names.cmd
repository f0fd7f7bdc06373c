test ../../../examples/china/cn-export-controls.licit ../../../examples/cn-japan-2026.licit
