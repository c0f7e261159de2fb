"""Officers' task lists built from the clocks (`registry`, `sources`), and the emails about them (`email`, `jobs`)."""
