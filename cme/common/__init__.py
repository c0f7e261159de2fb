"""Base classes and small shared types; no domain logic lives here."""
