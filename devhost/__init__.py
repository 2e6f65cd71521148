"""The local Functions host: runs the real ``function_app.app`` without Core Tools.

It is a development tool and is not deployed; ``docs/devhost.md`` explains it.
"""
