"""Calling a user function the way the Python worker does: sync ones run on the
caller's thread, async ones on an event loop, with the trigger bound by argument name."""

from __future__ import annotations

import asyncio
from typing import Any

from devhost.index import Target


def call_sync(target: Target, value: Any) -> Any:
    """Invoke from a worker thread (pumps and timers)."""
    result = target.user_function(**{target.arg_name: value})
    if asyncio.iscoroutine(result):
        return asyncio.run(result)
    return result


async def call_async(target: Target, value: Any) -> Any:
    """Invoke from the HTTP server's loop; sync functions go to the thread pool, as
    the worker runs them on its ``PYTHON_THREADPOOL_THREAD_COUNT`` pool."""
    from starlette.concurrency import run_in_threadpool

    if target.is_async:
        return await target.user_function(**{target.arg_name: value})
    result = await run_in_threadpool(target.user_function, **{target.arg_name: value})
    if asyncio.iscoroutine(result):
        return await result
    return result
