"""Readers turn input files into case batches or located documents."""
