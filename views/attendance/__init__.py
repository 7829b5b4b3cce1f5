"""The attendance page: the marking grid, who is below the minimum, the charts."""
