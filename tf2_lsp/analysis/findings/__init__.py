"""What a match becomes: the finding, its message, its fix policy, suppression."""
