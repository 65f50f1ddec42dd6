"""brainwaste: skill underutilization ("brain waste") of college-educated health-degree holders,
estimated from American Community Survey Public Use Microdata (ACS PUMS)."""

__version__ = "0.1.0"
