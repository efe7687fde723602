"""The aiohttp peer of sluice's scale benchmarks (dev.sluice.bench.scale).

  streams URL N EXPECT_FILE [R]  N concurrent GETs of URL?i=K, all started at once with
                                 asyncio.gather (connector limit 0: no limit); each body read
                                 with content.iter_any() and its length checked
  files BASE N SIZE C SINK DIR [R]
                                 N files BASE/f0000.. with at most C at once (connector limit C,
                                 every request gathered up front); SINK "file" writes each to
                                 DIR/NAME with open().write per piece, "discard" counts the bytes

Prints one line "RESULT inwall=S incpu=S ok=K expected=N bytes=B", timed inside the process
(first request to last body, interpreter start and imports excluded). With R > 1 the job is done
R times in this process (a new session each time; the files of a round are deleted before the
next) and the line reports the last round, or the first that did not verify everything.
"""
import asyncio
import os
import shutil
import sys
import time

import aiohttp


def report(start_wall, start_cpu, ok, expected, total, first_error):
    """What one round measured: (the RESULT line, the first error, verified)."""
    line = (f"RESULT inwall={time.perf_counter() - start_wall:.4f} "
            f"incpu={time.process_time() - start_cpu:.4f} ok={ok} expected={expected} bytes={total}")
    return line, first_error, ok == expected


def rounds(count, one_round, between=None):
    """Runs one_round() count times; prints the last round's line, or the first failing one's."""
    i = 1
    while True:
        line, first_error, verified = asyncio.run(one_round())
        if i >= count or not verified:
            print(line, flush=True)
            if first_error is not None:
                print(f"first failure: {first_error!r}", file=sys.stderr)
            return 0 if verified else 1
        print(f"round {i} of {count}: {line}", file=sys.stderr)
        if between is not None:
            between()
        i += 1


def empty_directory(directory):
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if os.path.isdir(path):
            shutil.rmtree(path)
        else:
            os.remove(path)


async def streams(url, n, expect_file):
    expected = os.path.getsize(expect_file)
    first_error = None
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=60, sock_read=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        async def one(i):
            async with session.get(f"{url}?i={i}") as response:
                response.raise_for_status()
                length = 0
                async for chunk in response.content.iter_any():
                    length += len(chunk)
                if length != expected:
                    raise ValueError(f"length {length} != {expected}")
                return length

        start_wall, start_cpu = time.perf_counter(), time.process_time()
        results = await asyncio.gather(*(one(i) for i in range(n)), return_exceptions=True)
    ok = total = 0
    for r in results:
        if isinstance(r, BaseException):
            first_error = first_error or r
        else:
            ok += 1
            total += r
    return report(start_wall, start_cpu, ok, n, total, first_error)


async def files(base, n, size, concurrency, sink, directory):
    first_error = None
    if sink == "file":
        os.makedirs(directory, exist_ok=True)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one(i):
            name = f"f{i:04d}"
            async with session.get(base + name) as response:
                response.raise_for_status()
                length = 0
                if sink == "file":
                    with open(os.path.join(directory, name), "wb") as out:
                        async for chunk in response.content.iter_any():
                            out.write(chunk)
                            length += len(chunk)
                else:
                    async for chunk in response.content.iter_any():
                        length += len(chunk)
                return length

        start_wall, start_cpu = time.perf_counter(), time.process_time()
        results = await asyncio.gather(*(one(i) for i in range(n)), return_exceptions=True)
    ok = total = 0
    for r in results:
        if isinstance(r, BaseException):
            first_error = first_error or r
        else:
            total += r
            ok += 1 if r == size else 0
    return report(start_wall, start_cpu, ok, n, total, first_error)


def main(argv):
    if argv[1] == "streams":
        count = int(argv[5]) if len(argv) > 5 else 1
        return rounds(count, lambda: streams(argv[2], int(argv[3]), argv[4]))
    if argv[1] == "files":
        count = int(argv[8]) if len(argv) > 8 else 1
        directory = argv[7]
        between = (lambda: empty_directory(directory)) if argv[6] == "file" else None
        return rounds(count, lambda: files(argv[2], int(argv[3]), int(argv[4]), int(argv[5]), argv[6], directory),
                      between)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
