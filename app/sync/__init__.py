"""Bundle export and import, merge rules and clocks; Qt-free."""
