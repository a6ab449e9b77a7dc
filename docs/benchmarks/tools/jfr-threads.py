#!/usr/bin/env python3
"""The CPU load of the server's threads in windows of a benchmark's JFR recording (docs/benchmarks.md).

usage: jfr-threads.py target/benchmarks/jfr/C-mass-delivery.jfr FROM TO [FROM TO]...   (HH:MM:SS.fff UTC)

Per window: the garbage collections and their pauses, the JIT compilations, the JVM's and the machine's CPU load
(jdk.CPULoad), and, per thread name (numbers dropped), the sum of its jdk.ThreadCPULoad readings (user + system, each
a share of the whole machine). The profile settings read each thread every 10 s: halve a sum over 2 readings for
the thread's mean share of the machine in a window of 10 to 20 s.
"""
import json, subprocess, sys, collections
path = sys.argv[1]; windows = list(zip(sys.argv[2::2], sys.argv[3::2]))
raw = subprocess.run(['jfr', 'print', '--json', '--events', 'jdk.GarbageCollection,jdk.ThreadCPULoad,jdk.CPULoad,jdk.Compilation', path],
                     capture_output=True, text=True, check=True).stdout
ev = json.loads(raw)['recording']['events']
def sec(d):
    # jfr print --json writes durations as ISO-8601, e.g. "PT0.00123S"
    return float(d[2:-1]) if d.startswith('PT') and d.endswith('S') else 0.0
def tod(e): return e['values']['startTime'][11:23]
for lo, hi in windows:
    inside = [e for e in ev if lo <= tod(e) <= hi]
    gcs = [e for e in inside if e['type'] == 'jdk.GarbageCollection']
    pause = sum(sec(e['values']['sumOfPauses']) for e in gcs)
    comp = [e for e in inside if e['type'] == 'jdk.Compilation']
    ctime = sum(sec(e['values']['duration']) for e in comp) if comp and 'duration' in comp[0]['values'] else 0
    threads = collections.Counter()
    n = collections.Counter()
    for e in inside:
        if e['type'] == 'jdk.ThreadCPULoad':
            th = e['values']['eventThread']; name = (th.get('javaName') or th.get('osName') or '?') if th else '?'
            key = name.rstrip('0123456789-# ')
            threads[key] += e['values']['user'] + e['values']['system']; n[key] += 1
    cl = [e['values'] for e in inside if e['type'] == 'jdk.CPULoad']
    print(f'{lo} to {hi}: {len(gcs)} GCs, pauses {pause:.2f} s; {len(comp)} compilations')
    if cl:
        print(f'  JVM {100*sum(v["jvmUser"]+v["jvmSystem"] for v in cl)/len(cl):.0f}% of machine, machine {100*sum(v["machineTotal"] for v in cl)/len(cl):.0f}%')
    for k, v in threads.most_common(12):
        print(f'  {k}: load sum {v:.2f} over {n[k]} readings')
