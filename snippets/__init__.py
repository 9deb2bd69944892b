"""The code the book teaches: one module per idea, each with doctests."""
