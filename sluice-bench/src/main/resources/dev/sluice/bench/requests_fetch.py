"""Fetches one URL with requests, 1 MiB chunks, and prints the seconds it took and the bytes.

requests.get(url, stream=True), then iter_content(chunk_size=1 MiB): discarded (no FILE), or
written to FILE with file.write. Timed inside the process (from the requests.get call to the
last chunk, file closed), like the aiohttp peer and the Java clients, so that Python's start-up
and the requests import are not counted against it.
Usage: python3 requests_fetch.py URL [FILE]
"""
import sys
import time

import requests

CHUNK = 1 << 20


def fetch(url, path):
    start = time.perf_counter()
    total = 0
    with requests.get(url, stream=True) as response:
        response.raise_for_status()
        if path is None:
            for chunk in response.iter_content(chunk_size=CHUNK):
                total += len(chunk)
        else:
            with open(path, "wb") as out:
                for chunk in response.iter_content(chunk_size=CHUNK):
                    out.write(chunk)
                    total += len(chunk)
    print(f"{time.perf_counter() - start:.6f} {total}")


if __name__ == "__main__":
    fetch(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
