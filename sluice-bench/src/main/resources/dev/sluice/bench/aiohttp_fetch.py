"""Fetches one URL into a file with aiohttp, 1 MiB chunks, and prints the seconds it took.

Timed inside the process (session creation to file closed), like the Java clients, so that
Python's start-up and the aiohttp import are not counted against it.
Usage: python3 aiohttp_fetch.py URL FILE
"""
import asyncio
import sys
import time

import aiohttp

CHUNK = 1 << 20


async def fetch(url, path):
    start = time.perf_counter()
    total = 0
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            response.raise_for_status()
            with open(path, "wb") as out:
                async for chunk in response.content.iter_chunked(CHUNK):
                    out.write(chunk)
                    total += len(chunk)
    print(f"{time.perf_counter() - start:.6f} {total}")


if __name__ == "__main__":
    asyncio.run(fetch(sys.argv[1], sys.argv[2]))
