"""Trafficking route data and route analytics."""

__all__: list[str] = []
