"""Output formats: each turns a finished Report into text."""
