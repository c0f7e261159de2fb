"""Data matching: source imports from council systems, record linkage, and the human review queue."""
