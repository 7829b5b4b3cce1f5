"""Use cases, one module per aggregate; Qt-free. a call is one unit of work."""
