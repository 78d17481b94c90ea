"""`make bench`: speed, cost and scale of kubetriage, each beside a floor measured in the same run."""
