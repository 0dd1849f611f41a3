"""scheduler layer: built in its own issue."""
