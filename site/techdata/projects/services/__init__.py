"""Project service: registry, gate and acceptance decisions."""
