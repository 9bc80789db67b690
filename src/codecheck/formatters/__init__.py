"""Output formats: each turns a run's finished Results into text."""
