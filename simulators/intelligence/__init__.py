"""intelligence."""
