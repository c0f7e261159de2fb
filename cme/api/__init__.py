"""The REST adapter, versioned under /api/v1/, token-authenticated, deny by default."""
