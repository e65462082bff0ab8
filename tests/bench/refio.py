"""What the benchmark's references share (ref_numpy.py, ref_torch.py): the
homework's numpy modules (tests/reference/homework.py), the clock, and the
"RESULT key unit v1 v2 ..." and "INFO key text" lines bench.py reads.
"""
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'reference'))
import homework as hw  # noqa: E402,F401

now = time.perf_counter


def result(key, unit, values):
    print('RESULT %s %s %s' % (key, unit, ' '.join('%.6g' % v for v in values)), flush=True)


def info(key, text):
    print('INFO %s %s' % (key, text), flush=True)


def main(items):
    """Run the item sys.argv[1] names: items maps a name to (function, the
    types of its arguments, which follow the name on the command line)."""
    name, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else (None, [])
    if name not in items:
        sys.exit('usage: %s %s ARGS...' % (os.path.basename(sys.argv[0]), '|'.join(items)))
    f, types = items[name]
    f(*[t(a) for t, a in zip(types, args)])
