"""Hand-written material of the synthetic wire stories: countries, agency templates,
outlets and word lists, and the seeded writer that combines them."""
