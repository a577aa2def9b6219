def version() -> str:
    """The installed kerasx version."""
    return "0.1.0"
