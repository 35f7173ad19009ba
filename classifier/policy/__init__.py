"""Configuration and the decision: which findings count, which block."""
