"""A Django database backend for immudb, the immutable database."""
