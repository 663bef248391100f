"""The initialization experiments: variants, a sweep through DVC's queue, results and figure."""
