"""Opening the encrypted SQLCipher engine, its pragmas and its migrations; Qt-free."""
