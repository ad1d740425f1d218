"""Demo users and records that ``scripts/run`` loads into a fresh instance."""
