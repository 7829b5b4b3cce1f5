"""A JSON value that knows where it sits in its file, so every refusal names file and field."""

from __future__ import annotations

import re
from typing import Any, NoReturn

from app.resources import ResourceError


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


class Node:
    """``value`` found at ``path`` (``items[3].scale``) in ``file``."""

    def __init__(self, file: str, path: str, value: Any) -> None:
        self.file = file
        self.path = path
        self.value = value

    def fail(self, problem: str) -> NoReturn:
        where = f"{self.file}: {self.path}" if self.path else self.file
        raise ResourceError(f"{where}: {problem}")

    def _child_path(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def object(self, required: set[str], optional: frozenset[str] = frozenset()) -> None:
        """Refuse anything but an object holding every ``required`` key and no unknown one."""
        if not isinstance(self.value, dict):
            self.fail(f"must be an object, not {kind_of(self.value)}.")
        for key in sorted(required):
            if key not in self.value:
                Node(self.file, self._child_path(key), None).fail("missing.")
        unknown = sorted(set(self.value) - required - optional)
        if unknown:
            Node(self.file, self._child_path(unknown[0]), None).fail("is not a field we know.")

    def has(self, key: str) -> bool:
        return isinstance(self.value, dict) and key in self.value

    def get(self, key: str) -> Node:
        value = self.value.get(key) if isinstance(self.value, dict) else None
        return Node(self.file, self._child_path(key), value)

    def text(self, key: str, *, max_length: int = 4000, pattern: str | None = None) -> str:
        node = self.get(key)
        if not isinstance(node.value, str):
            node.fail(f"must be text, not {kind_of(node.value)}.")
        if len(node.value) > max_length:
            node.fail(f"is longer than {max_length} characters.")
        if pattern is not None and not re.fullmatch(pattern, node.value):
            node.fail(f"{node.value!r} is not of the form {pattern}.")
        return node.value

    def words(self, key: str, *, max_length: int = 4000) -> str:
        """Text that may not be blank."""
        value = self.text(key, max_length=max_length)
        if not value.strip():
            self.get(key).fail("cannot be empty.")
        return value

    def optional_text(self, key: str, *, pattern: str | None = None) -> str | None:
        return self.text(key, pattern=pattern) if self.has(key) else None

    def integer(self, key: str, *, low: int = -(2**31), high: int = 2**31) -> int:
        node = self.get(key)
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int):
            node.fail(f"must be a whole number, not {kind_of(value)}.")
        if not low <= value <= high:
            node.fail(f"must be between {low} and {high}.")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        if not self.has(key):
            return default
        node = self.get(key)
        if not isinstance(node.value, bool):
            node.fail(f"must be true or false, not {kind_of(node.value)}.")
        return node.value

    def items(self, key: str, *, non_empty: bool = True) -> list[Node]:
        node = self.get(key)
        if not isinstance(node.value, list):
            node.fail(f"must be a list, not {kind_of(node.value)}.")
        if non_empty and not node.value:
            node.fail("cannot be an empty list.")
        return [Node(self.file, node._child_path(i), v) for i, v in enumerate(node.value)]

    def entries(self, key: str) -> list[tuple[str, Node]]:
        """The members of the object at ``key``, in file order."""
        node = self.get(key)
        if not isinstance(node.value, dict):
            node.fail(f"must be an object, not {kind_of(node.value)}.")
        return [(k, Node(self.file, node._child_path(k), v)) for k, v in node.value.items()]
