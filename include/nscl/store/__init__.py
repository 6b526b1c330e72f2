"""The data folder: zones and their layout, atomic writes, the raw archive, receipts and
sightings, curated tables. The only code that knows where things lie on disk."""
