"""apolint's version, in a module of its own so that modules inside the package can read it
without importing the package's public entry points (apolint/__init__.py imports the library)."""
__version__ = "0.1.0"
