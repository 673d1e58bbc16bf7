"""The line/polygon overlay engine, now in `kzmap.geo._overlay` (one engine)."""

from kzmap.geo._overlay import EdgeIndex, Piece, Run, pieces_along, runs_from_pieces

__all__ = ["EdgeIndex", "Piece", "Run", "pieces_along", "runs_from_pieces"]
