"""talkcat: a catalogue of talks in YAML, rendered into a README."""

__version__ = "0.1.0"
