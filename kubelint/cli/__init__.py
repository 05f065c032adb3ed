"""Command line: thin click commands over the library (kubelint.pipeline, kubelint.schema)."""
