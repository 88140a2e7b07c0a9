#!/usr/bin/env python3
"""Time from starting a server's JVM to its first 200 answer: startup.py URL RUNS COMMAND...

Starts COMMAND, asks URL every 2 ms until it answers 200 with a body, records the time since the start, stops the
server (SIGTERM, then SIGKILL), and repeats RUNS times. Prints the median and every run, in milliseconds, as:
  median_ms run1 run2 ...
"""
import http.client
import statistics
import subprocess
import sys
import time
import urllib.parse


def first_answer(url, process, deadline):
    parts = urllib.parse.urlsplit(url)
    target = parts.path + ("?" + parts.query if parts.query else "")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode} before answering")
        try:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
            connection.request("GET", target)
            response = connection.getresponse()
            body = response.read()
            connection.close()
            if response.status == 200 and body:
                return
        except OSError:
            pass
        time.sleep(0.002)
    raise SystemExit(f"no 200 from {url} in time")


def main():
    url, runs, command = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    times = []
    for _ in range(runs):
        start = time.monotonic()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            first_answer(url, process, start + 60)
            times.append((time.monotonic() - start) * 1000)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        time.sleep(0.5)
    print(f"{statistics.median(times):.0f} " + " ".join(f"{t:.0f}" for t in times))


if __name__ == "__main__":
    main()
