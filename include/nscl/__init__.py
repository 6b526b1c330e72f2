"""NSCL: the reporting pipeline of Hưng Yên's productivity and quality programme (Plan 101/KH-UBND)."""

__version__ = "0.1.0"
