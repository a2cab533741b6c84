"""The type stubs (.pyi) describe the extension as it is, and everything public has a docstring."""

import ast
import inspect
import os

import framekit
import framekit.asyncio
from framekit import _framekit

STUB = os.path.join(os.path.dirname(framekit.__file__), "_framekit.pyi")


def stub_classes():
    tree = ast.parse(open(STUB).read())
    out = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):  # not typing helpers
            out[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
    return out


def test_stub_matches_the_extension():
    classes = stub_classes()
    runtime = {name for name in dir(_framekit) if not name.startswith("_")}
    assert set(classes) == runtime
    for name, methods in classes.items():
        cls = getattr(_framekit, name)
        for method in methods:
            assert hasattr(cls, method), "%s.%s in the stub, not in the module" % (name, method)
        if name in ("Framer", "Decoder", "Codec"):
            public = {m for m in vars(cls) if not m.startswith("_")}
            assert public <= methods, "%s: %s missing from the stub" % (name, public - methods)


def test_public_api_has_docstrings():
    for name in framekit.__all__:
        obj = getattr(framekit, name)
        assert obj.__doc__, name
        for attr, value in vars(obj).items():
            if not attr.startswith("_"):
                assert getattr(value, "__doc__", None), "%s.%s" % (name, attr)
    for name in framekit.asyncio.__all__:
        obj = getattr(framekit.asyncio, name)
        assert inspect.getdoc(obj), name
    assert framekit.__doc__ and framekit.asyncio.__doc__
