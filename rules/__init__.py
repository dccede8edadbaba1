# The built-in rule packs (YAML). Installed as the package data `apolint.rules`.
