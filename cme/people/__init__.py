"""Children, carers, their relationships and their addresses over time."""
