"""The local vault: the database key, wrapped by passphrase or recovery key, cached in the
OS keychain, and the encrypted database it opens; Qt-free."""
