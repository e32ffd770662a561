"""Shipped sample data: the demo audience CSV and the script that regenerates it."""
