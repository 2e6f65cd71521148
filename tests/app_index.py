"""The product app's functions by name, indexed the way the worker does it.

``FunctionApp.get_functions`` remembers every name it returned and refuses them on a
second call (the worker indexes once per process); tests index many times, so each
call forgets the previous indexing first. Duplicate names within the app still fail.
"""

from __future__ import annotations

from typing import Any

import function_app


def indexed_functions() -> dict[str, Any]:
    """Function name -> the ``Function`` object (bindings, settings, user function)."""
    app = function_app.app
    app.functions_bindings = {}
    return {f.get_function_name(): f for f in app.get_functions()}


def user_function(name: str) -> Any:
    """The Python callable the host invokes for the function ``name``."""
    return indexed_functions()[name].get_user_function()
