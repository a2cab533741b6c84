"""Compiler flags shared by framekit's own targets (kept out of consumers' builds)."""

FRAMEKIT_COPTS = [
    "-std=c++17",
    "-Wall",
    "-Wextra",
]
