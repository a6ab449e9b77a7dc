#!/usr/bin/env python3
"""Where the server's execution samples went in windows of a benchmark's JFR recording (docs/benchmarks.md).

usage: jfr-samples.py target/benchmarks/jfr/C-mass-delivery.jfr [FROM TO]...
       FROM, TO: HH:MM:SS.fff UTC, as the benchmark's "(the window to read in the JFR recording)" rows give them.

Sorts every jdk.ExecutionSample of a window into one category, by its thread and its frames (the first rule that
matches), and prints each category's share, then the JVM's and the machine's CPU load (jdk.CPULoad). Samples are of
Java threads running Java code: the JIT's and the GC's threads are not in them (jfr-threads.py shows those).
A recording can be printed once to JSON (jfr print --json --stack-depth 96 --events jdk.ExecutionSample,jdk.CPULoad)
and that file given instead of the .jfr, to read several windows without printing it again.
"""
import json, subprocess, sys, collections

def frames(event):
    st = event['values'].get('stackTrace') or {}
    out = []
    for f in st.get('frames', []):
        m = f['method']
        out.append(m['type']['name'].replace('/', '.') + '.' + m['name'])
    return out

RULES = [
    # (category, thread predicate, frame substring list any-of)
    ('SG: RSA/EC signature', lambda t: t.startswith('session-guard'), ['java.security.Signature.sign', 'sun.security.rsa.RSACore', 'sun.security.rsa.RSASignature', 'sun.security.ec.']),
    ('SG: token JSON', lambda t: t.startswith('session-guard'), ['com.fasterxml.jackson']),
    ('SG: key and algorithm lookup', lambda t: t.startswith('session-guard'), ['org.keycloak.keys.', 'SignatureProvider', 'RecentSigners']),
    ('SG: rest of signing (JWS, base64)', lambda t: t.startswith('session-guard'), ['LogoutTokenSigner', 'org.keycloak.jose']),
    ('SG: HTTP client', lambda t: t.startswith('session-guard-backchannel'), ['']),
    ('SG: HTTP request building', lambda t: t.startswith('session-guard'), ['java.net.http', 'jdk.internal.net.http', 'BackchannelPost']),
    ('SG: claims and releases', lambda t: t.startswith('session-guard-outbox-poller'), ['']),
    ('SG: recording outcomes', lambda t: t.startswith('session-guard-outbox-recorder'), ['']),
    ('SG: session, transaction, client read per batch', lambda t: t.startswith('session-guard-outbox-sender'), ['']),
    ('SG: other', lambda t: t.startswith('session-guard'), ['']),
    ('Keycloak: request threads (sign-out request, admin calls)', lambda t: t.startswith('executor-thread') or t.startswith('vert.x'), ['']),
    ('Keycloak: Infinispan/JGroups', lambda t: any(t.startswith(p) for p in ('blocking-thread', 'non-blocking-thread', 'timeout-thread', 'jgroups', 'infinispan', 'persistence-thread', 'expiration-thread', 'async-thread')), ['']),
]

def categorize(thread, fs):
    for name, tp, subs in RULES:
        if tp(thread) and any(any(s in f for f in fs) for s in subs):
            return name
    return 'Keycloak: other threads (' + thread.split('-')[0].split(' ')[0] + ')'

def main():
    path = sys.argv[1]
    windows = list(zip(sys.argv[2::2], sys.argv[3::2])) or [(None, None)]
    if path.endswith('.json'):
        raw = open(path).read()
    else:
        raw = subprocess.run(['jfr', 'print', '--json', '--stack-depth', '96', '--events',
                              'jdk.ExecutionSample,jdk.CPULoad', path], capture_output=True, text=True,
                             check=True).stdout
    events = json.loads(raw)['recording']['events']
    del raw
    for lo, hi in windows:
        report(events, lo, hi)

def report(events, lo, hi):
    def t_of(e):
        return e['values']['startTime'][11:23]  # HH:MM:SS.fff
    def inside(e):
        t = t_of(e)
        return (lo is None or t >= lo) and (hi is None or t <= hi)
    counts = collections.Counter(); total = 0
    loads = []
    for e in events:
        if not inside(e):
            continue
        if e['type'] == 'jdk.ExecutionSample':
            th = e['values']['sampledThread']
            name = (th.get('javaName') or th.get('osName') or '?') if th else '?'
            counts[categorize(name, frames(e))] += 1; total += 1
        elif e['type'] == 'jdk.CPULoad':
            v = e['values']; loads.append((v['jvmUser'] + v['jvmSystem'], v['machineTotal']))
    print(f'{total} samples' + (f' from {lo} to {hi}' if lo else ''))
    for name, n in counts.most_common():
        print(f'  {100.0*n/total:5.1f}%  {name}')
    if loads:
        jvm = sum(l[0] for l in loads)/len(loads); mach = sum(l[1] for l in loads)/len(loads)
        print(f'  CPU load (jdk.CPULoad, mean of {len(loads)}): this JVM {100*jvm:.0f}% of the machine, machine {100*mach:.0f}%')

main()
