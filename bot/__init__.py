"""bot layer: built in its own issue."""
