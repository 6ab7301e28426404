# The C extension lives here because setuptools' ext_modules needs setup.py; metadata is in pyproject.toml.
from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "native._native",
            sources=["native/_native.c"],
            extra_compile_args=["-O2", "-Wall", "-Wextra", "-std=c11"],
        )
    ]
)
