match --help
