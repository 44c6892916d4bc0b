#!/usr/bin/env python3
"""Prints RATE log lines a second (some coloured, some long) until killed: the load test's
serve_cmd. Usage: loud.py RATE NAME"""
import sys
import time

rate = float(sys.argv[1])
name = sys.argv[2]
out = sys.stdout
start = time.monotonic()
n = 0
while True:
    due = int((time.monotonic() - start) * rate)
    chunk = []
    while n < due:
        n += 1
        if n % 10 == 0:
            chunk.append(f"\x1b[32m{name}\x1b[0m line {n}: \x1b[1;33mwarm\x1b[0m request GET /api/items?page={n % 97} took {n % 13}ms\n")
        elif n % 7 == 0:
            chunk.append(f"{name} line {n}: " + "lorem ipsum dolor sit amet " * 6 + "\n")
        else:
            chunk.append(f"{name} line {n}: handled request {n % 1000}\n")
    if chunk:
        out.write("".join(chunk))
        out.flush()
    time.sleep(0.01)
