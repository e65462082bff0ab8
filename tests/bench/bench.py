#!/usr/bin/python3
"""nnlab's benchmark against OpenBLAS, numpy and PyTorch (make bench).

Runs nnlab (tests/bench/nnlab.lua in the nnlab program) and the references
(tests/bench/blas.c, ref_numpy.py, ref_torch.py) side by side on the same
work, from the same seeds: the same data, initial weights and sample order
(the final losses are printed to show it).  Prints a Markdown table of
medians with min-max over the repetitions and the speed ratio nnlab /
reference (above 1: nnlab is faster), against the targets of issue 7; a
missed target says by how much.

usage: tests/bench/bench.py [--nnlab ./nnlab] [--blas build/bench-blas]
                            [--quick] [--only 1,2,...] [--wait-quiet SECONDS]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PY = '/usr/bin/python3' if os.path.exists('/usr/bin/python3') else sys.executable
CORES = os.cpu_count() or 1

MNIST_DATA_BYTES = (784 + 10) * 60000 * 8   # X and one-hot Y, float64


def run(cmd, threads=None, env=None):
    """Run cmd; returns (results, infos, peak RSS in KiB, output)."""
    e = dict(os.environ)
    e['PYTHONDONTWRITEBYTECODE'] = '1'  # no __pycache__ left in the tree
    if threads is not None:
        e['OPENBLAS_NUM_THREADS'] = e['OMP_NUM_THREADS'] = str(threads)
    e.update(env or {})
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=e,
                         text=True, cwd=ROOT)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    results, infos = {}, {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 3 and f[0] == 'RESULT':
            results[f[1]] = (f[2], [float(v) for v in f[3:]])
        elif len(f) >= 2 and f[0] == 'INFO':
            infos[f[1]] = line.split(None, 2)[2] if len(f) > 2 else ''
    if p.returncode != 0:
        print('warning: %s exited with %d:\n%s' % (' '.join(cmd), p.returncode, out[-2000:]),
              file=sys.stderr)
    return results, infos, usage.ru_maxrss, out


def interleaved(cmds, rounds):
    """Run each (name, cmd, threads[, env]) once per round, in turn, so that
    a disturbance from the rest of the machine falls on all of them alike.
    Returns name -> (results: key -> (unit, values of every round), infos,
    peak RSS in KiB over the rounds)."""
    out = {c[0]: ({}, {}, 0) for c in cmds}
    for _ in range(rounds):
        for name, cmd, threads, *env in cmds:
            res, inf, rss, _ = run(cmd, threads=threads, env=env[0] if env else None)
            acc, infos, peak = out[name]
            for k, (unit, values) in res.items():
                acc.setdefault(k, (unit, []))[1].extend(values)
            infos.update(inf)
            out[name] = (acc, infos, max(peak, rss))
    return out


def stats(values):
    return statistics.median(values), min(values), max(values)


def fmt(v):
    if v >= 1e6:
        return '%.3gM' % (v / 1e6)
    if v >= 1e4:
        return '%.3gk' % (v / 1e3)
    if v >= 100:
        return '%.0f' % v
    if v >= 10:
        return '%.1f' % v
    return '%.3g' % v


def cell(values, unit):
    if not values:
        return 'n/a'
    m, lo, hi = stats(values)
    return '%s %s (%s-%s)' % (fmt(m), unit, fmt(lo), fmt(hi))


class Table:
    def __init__(self):
        self.rows = []

    def add(self, item, what, nn, ref_name, ref, unit, higher=True, target=None,
            target_text='', ref_best=False):
        """nn, ref: lists of repetitions (or None).  target: the speed ratio
        nnlab / reference to reach (on medians; on the reference's best
        repetition when ref_best)."""
        ratio = verdict = ''
        if nn and ref:
            n = statistics.median(nn)
            r = max(ref) if (ref_best and higher) else (min(ref) if ref_best else statistics.median(ref))
            x = n / r if higher else r / n
            ratio = '%.2fx' % x
            if target is not None:
                verdict = 'met' if x >= target else 'missed: %.2fx of %.2gx (%+.0f%%)' % (
                    x, target, (x / target - 1) * 100)
        elif target is not None:
            verdict = 'not measured'
        self.rows.append((item, what, cell(nn, unit), ref_name, cell(ref, unit) if ref_name else '',
                          ratio, target_text, verdict))

    def note(self, item, what, text, target_text='', verdict=''):
        self.rows.append((item, what, text, '', '', '', target_text, verdict))

    def markdown(self):
        head = ('item', 'measurement', 'nnlab: median (min-max)', 'reference',
                'reference: median (min-max)', 'speed nnlab/ref', 'target', 'result')
        lines = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
        for r in self.rows:
            lines.append('| ' + ' | '.join(r) + ' |')
        return '\n'.join(lines)


def have(module):
    return subprocess.run([PY, '-c', 'import ' + module], capture_output=True).returncode == 0


def machine():
    model = ''
    try:
        out = subprocess.run(['lscpu'], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith('Model name:'):
                model = line.split(':', 1)[1].strip()
    except OSError:
        pass
    return model or 'unknown CPU'


def wait_quiet(seconds):
    end = time.time() + seconds
    while time.time() < end and os.getloadavg()[0] > 0.7:
        time.sleep(5)


def item_matmul(t, a, q):
    sizes = ['8', '32', '128', '512', '1024']
    r = interleaved([('c', [a.blas, '1'] + sizes, CORES),
                     ('nn', [a.nnlab, 'tests/bench/nnlab.lua', 'matmul', '1'] + sizes, CORES)],
                    3 if q else 7)
    c, n = r['c'][0], r['nn'][0]
    for s in sizes:
        k = int(s)
        target = 0.9 if k >= 128 else (1.0 if k <= 8 else None)
        text = '>= 0.9x' if k >= 128 else ('> 1x' if k <= 8 else '')
        t.add('1 matrix product', 'n = %s, %d threads, matmul(a, b, c)' % (s, CORES),
              n.get('matmul.' + s, (0, None))[1], 'OpenBLAS dgemm from C',
              c.get('matmul.' + s, (0, None))[1], 'GFLOP/s', True, target, text)
    for s in sizes:
        t.add('1 matrix product', 'n = %s, a * b (a new matrix each time)' % s,
              n.get('matmul_alloc.' + s, (0, None))[1], 'OpenBLAS dgemm from C',
              c.get('matmul.' + s, (0, None))[1], 'GFLOP/s', True)


def item_smallop(t, a, q, refs):
    cmds = [('nn', [a.nnlab, 'tests/bench/nnlab.lua', 'smallop', '1'], 1)]
    if refs['numpy']:
        cmds.append(('np', [PY, 'tests/bench/ref_numpy.py', 'smallop', '1'], 1))
    res = interleaved(cmds, 3 if q else 7)
    n, r = res['nn'][0], res.get('np', ({}, {}, 0))[0]
    for s, what in (('4x3', 'W 4x3'), ('2x10', 'W 2x10')):
        ref = r.get('smallop.' + s, (0, None))[1]
        t.add('2 small op', 'W^T x + W0, %s: layer:forward(x)' % what,
              n.get('smallop.linear.' + s, (0, None))[1], 'numpy np.dot(W.T, x) + W0', ref,
              'ns', False, 8.0, '>= 8x')
        t.add('2 small op', 'W^T x + W0, %s: W:T() * x + W0' % what,
              n.get('smallop.expr.' + s, (0, None))[1], 'numpy np.dot(W.T, x) + W0', ref,
              'ns', False)


ELEMENTWISE_SHAPES = ('10x1', '10x64', '128x64')


def item_elementwise(t, a, q, refs):
    """The homework modules' maths (tanh, softmax, ReLU with its mask) with
    the C elementwise functions, against the same with map (target: at
    least as fast) and against numpy."""
    cmds = [('nn', [a.nnlab, 'tests/bench/nnlab.lua', 'elementwise', '1'] + list(ELEMENTWISE_SHAPES), 1)]
    if refs['numpy']:
        cmds.append(('np', [PY, 'tests/bench/ref_numpy.py', 'elementwise', '1'] + list(ELEMENTWISE_SHAPES), 1))
    res = interleaved(cmds, 3 if q else 5)
    n, r = res['nn'][0], res.get('np', ({}, {}, 0))[0]
    forms = (('tanh', 'matrix.tanh(Z)', 'Z:map(tanh)', 'np.tanh(Z)'),
             ('softmax', 'E = matrix.exp(Z); E:div(ones * E:sum(1))', 'map(math.exp), map(e / sum)',
              'E = np.exp(Z); E / E.sum(axis=0)'),
             ('relu', 'm = Z:gt(0); Z:mul(m), dLdA:mul(m)', 'Z:map(relu), dLdA:mul(Z:map(step))',
              'm = Z > 0; Z * m, dLdA * m'))
    for shape in ELEMENTWISE_SHAPES:
        for name, new, old, ref in forms:
            key = 'elementwise.%s.%%s.%s' % (name, shape)
            got = n.get(key % 'new', (0, None))[1]
            t.add('8 elementwise', '%s, Z %s: %s' % (name, shape, new), got,
                  'nnlab %s' % old, n.get(key % 'map', (0, None))[1], 'us', False, 1.0, '>= map')
            t.add('8 elementwise', '%s, Z %s: %s' % (name, shape, new), got,
                  'numpy %s' % ref, r.get('elementwise.%s.%s' % (name, shape), (0, None))[1], 'us', False)


def item_smallnet(t, a, q, refs, losses):
    iters, lr, seed = ('3000' if q else '10000'), '0.005', '1'
    args = ['smallnet', '1', iters, lr, seed]
    cmds = [('nn', [a.nnlab, 'tests/bench/nnlab.lua'] + args + [ROOT], 1)]
    if refs['numpy']:
        cmds.append(('np', [PY, 'tests/bench/ref_numpy.py'] + args, 1))
    if refs['torch']:
        cmds.append(('torch', [PY, 'tests/bench/ref_torch.py'] + args, 1))
    res = interleaved(cmds, 3 if q else 5)
    none = ({}, {}, 0)
    (n, ni, _), (npy, npi, _), (tor, toi, _) = res['nn'], res.get('np', none), res.get('torch', none)
    what = '2-10-10-2 Tanh, SoftMax + NLLM, batch 1, %s steps' % iters
    for mode, label, target in (('sgd', 'net:sgd (the loop in C)', 30.0),
                                ('student', 'a Lua loop over the modules', 5.0)):
        nn = n.get('smallnet.' + mode, (0, None))[1]
        t.add('3 small network', '%s: %s' % (what, label), nn, 'numpy (the homework\'s code)',
              npy.get('smallnet', (0, None))[1], 'steps/s', True, target, '>= %gx' % target)
        t.add('3 small network', '%s: %s' % (what, label), nn, 'PyTorch (nn, autograd, optim.SGD)',
              tor.get('smallnet', (0, None))[1], 'steps/s', True)
        losses.append('small network, %s: nnlab %s' % (label, ni.get('smallnet.' + mode, '?')))
    losses.append('small network: numpy %s; PyTorch %s' % (npi.get('smallnet', 'n/a'),
                                                         toi.get('smallnet', 'n/a')))


# PyTorch's configurations on more than one thread: (name, PyTorch's own
# threads, environment over OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = threads).
# Its default runs an OpenMP pool and OpenBLAS's pool of as many threads
# each, both spinning while they wait: on two cores they fight.  Each
# other configuration removes one of the two; the table shows each, and
# holds nnlab to the fastest repetition of any of them in the same run.
TORCH_CONFIGS = (
    ('default', None, {}),
    ('OMP_NUM_THREADS=1', 1, {'OMP_NUM_THREADS': '1'}),
    ('OMP_WAIT_POLICY=PASSIVE', None, {'OMP_WAIT_POLICY': 'PASSIVE'}),
    ('OPENBLAS_NUM_THREADS=1', None, {'OPENBLAS_NUM_THREADS': '1'}),
)


def item_mnist(t, a, q, refs, losses):
    for th in (1, 2):
        if th > CORES:
            continue
        args = ['mnist', '1', str(th), '7', '64', '0.05']
        key = 'mnist.t%d' % th
        cmds = [('nn', [a.nnlab, 'tests/bench/nnlab.lua'] + args, th)]
        if refs['numpy']:
            cmds.append(('np', [PY, 'tests/bench/ref_numpy.py'] + args, th))
        configs = TORCH_CONFIGS if th > 1 else TORCH_CONFIGS[:1]
        if refs['torch']:
            for name, tth, env in configs:
                cmds.append(('torch ' + name, [PY, 'tests/bench/ref_torch.py'] + args +
                             [str(tth or th)], th, env))
        res = interleaved(cmds, 1 if q else 3)
        none = ({}, {}, 0)
        (n, ni, nrss), (npy, npi, nprss) = res['nn'], res.get('np', none)
        what = '784-128-64-10 ReLU, batch 64, 1 epoch of 60000, %d thread%s' % (th, 's' if th > 1 else '')
        nn = n.get(key, (0, None))[1]
        t.add('4 MNIST-sized', what, nn, 'numpy (the homework\'s code)',
              npy.get(key, (0, None))[1], 'samples/s', True)
        tor = {name: res.get('torch ' + name, none) for name, _, _ in configs}
        if th > 1:
            for name, _, _ in configs:
                t.add('4 MNIST-sized', what, nn, 'PyTorch, %s' % name,
                      tor[name][0].get(key, (0, None))[1], 'samples/s', True)
        # The target is on PyTorch's best repetition in any configuration
        # (the most favourable number for PyTorch), named with its configuration.
        best = max(configs, key=lambda c: max(tor[c[0]][0].get(key, (0, [0]))[1] or [0]))[0]
        target = 1.1 if th == 1 else 1.3
        label = 'PyTorch (best repetition)' if th == 1 else \
            'PyTorch, fastest configuration (%s; best repetition)' % best
        t.add('4 MNIST-sized', what, nn, label, tor[best][0].get(key, (0, None))[1],
              'samples/s', True, target, '>= %gx best' % target, ref_best=True)
        limit = MNIST_DATA_BYTES * 1.15 / 1024
        mib = lambda kib: '%.0f MiB' % (kib / 1024) if kib else 'n/a'  # noqa: E731
        t.note('4 MNIST-sized', 'peak RSS, %d thread%s (data: %.0f MiB)' % (
            th, 's' if th > 1 else '', MNIST_DATA_BYTES / 2**20),
            '%s; numpy %s; PyTorch %s' % (mib(nrss), mib(nprss), mib(tor[best][2])),
            '<= data + 15% (' + mib(limit) + ')',
            'met' if nrss and nrss <= limit else 'missed: %+.0f%% of data' % (
                (nrss * 1024 / MNIST_DATA_BYTES - 1) * 100) if nrss else 'not measured')
        losses.append('MNIST-sized, %d thread(s): nnlab %s; numpy %s; PyTorch %s' % (
            th, ni.get(key, '?'), npi.get(key, 'n/a'), tor[best][1].get(key, 'n/a')))


def item_startup(t, a, q):
    def times(cmd, n):
        out = []
        for _ in range(n):
            s = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
            out.append((time.perf_counter() - s) * 1000)
        return out
    nn, py = [], []
    for _ in range(10 if q else 30):  # in turn, as interleaved() does
        nn += times([a.nnlab, '-e', ''], 1)
        py += times([PY, '-c', 'import numpy'], 1)
    t.add('5 start-up', "nnlab -e ''", nn, "python3 -c 'import numpy'", py, 'ms', False)
    m = statistics.median(nn)
    t.note('5 start-up', "nnlab -e '' (absolute)", '%.1f ms' % m, '< 10 ms',
           'met' if m < 10 else 'missed: %.1f ms (%+.0f%%)' % (m, (m / 10 - 1) * 100))


GOOD = '''return {
  layer = { forward = function(W, W0, A) return W:T() * A + W0 end },
  train = { run = function(X, Y)
    matrix.seed(%d)
    local net = nn.Sequential({nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(),
      nn.Linear(8, 2), nn.SoftMax()}, nn.NLLM())
    net:sgd(X, Y, 20000, 0.02)
    local _, n = X:shape()
    return net:evaluate(X, Y) / n
  end },
}
'''
WRONG = GOOD.replace('W:T() * A + W0', 'W * A + W0')  # fails the layer part


def item_grading(t, a, q):
    if subprocess.run([a.nnlab, 'grade', '--help'], capture_output=True).returncode != 0:
        t.note('6 grading', 'nnlab grade --jobs 2', 'not available yet (nnlab grade --help fails)')
        return
    count = 12 if q else 40
    with tempfile.TemporaryDirectory() as d:
        files = []
        for i in range(count):
            f = os.path.join(d, 'sub%02d.lua' % i)
            with open(f, 'w') as fh:
                fh.write((WRONG if i % 4 == 3 else GOOD) % (i + 1))
            files.append(f)
        out = []
        for r in range(2 if q else 3):
            o = os.path.join(d, 'out%d' % r)
            s = time.perf_counter()
            p = subprocess.run([a.nnlab, 'grade', '--jobs', '2', '--out', o,
                                os.path.join(HERE, 'grade_set.lua')] + files,
                               capture_output=True, text=True, cwd=ROOT)
            el = time.perf_counter() - s
            if p.returncode != 0:
                t.note('6 grading', 'nnlab grade --jobs 2', 'failed: ' + (p.stderr or p.stdout)[-200:])
                return
            out.append(count / el)
    t.add('6 grading', 'nnlab grade --jobs 2, %d submissions (a layer; training 20000 sgd steps)'
          % count, out, '', None, 'subm./s')


# Item 7: the lecture set, as a course grades it.  The instructor's copy of
# the set (exercises/private/lecture.lua; until that exists, the built-in
# 'lecture', which is still the instructor's copy) gives the reference
# solution and its known-wrong submissions.
LECTURE_PRIVATE = os.path.join(ROOT, 'exercises', 'private', 'lecture.lua')

# Writes the set's solution and known-wrong sources into a directory.
DUMP_SET = r"""
local grader = require 'nnlab.grader'
local set = grader.load_set(arg[1])
local function put(name, text)
  local f = assert(io.open(arg[2] .. '/' .. name, 'wb'))
  f:write(text)
  f:close()
end
put('solution.lua', assert(set.solution, 'the set has no solution'))
for i, w in ipairs(set.wrong or {}) do put(string.format('wrong%03d.lua', i), w.source) end
"""


def item_grading_lecture(t, a, q):
    label = 'nnlab grade --jobs 2, %d lecture submissions (%d right, %d partly wrong, %d loop and %d crash at load)'
    where = '7 grading'
    spec = LECTURE_PRIVATE if os.path.exists(LECTURE_PRIVATE) else 'lecture'
    count = 40 if q else 1000
    bad = 1 if q else 5              # loops at load, and as many crashes
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, 'src')
        os.mkdir(src)
        with open(os.path.join(d, 'dump.lua'), 'w') as f:
            f.write(DUMP_SET)
        p = subprocess.run([a.nnlab, os.path.join(d, 'dump.lua'), spec, src],
                           capture_output=True, text=True, cwd=ROOT)
        if p.returncode != 0:
            t.note(where, 'nnlab grade --jobs 2, lecture', 'failed: ' + (p.stderr or p.stdout)[-200:])
            return
        with open(os.path.join(src, 'solution.lua')) as f:
            solution = f.read()
        wrongs = []
        for name in sorted(os.listdir(src)):
            if name.startswith('wrong'):
                with open(os.path.join(src, name)) as f:
                    wrongs.append(f.read())
        nwrong = max(1, count // 10) if wrongs else 0
        files, kinds = [], []
        for i in range(count):
            if i % (count // bad) == 1:
                text, kind = 'while true do end\n', 'loop'
            elif i % (count // bad) == 2:
                text, kind = "error('a crash at load')\n", 'crash'
            elif wrongs and i % (count // nwrong) == 3:
                text, kind = wrongs[(i // (count // nwrong)) % len(wrongs)], 'wrong'
            else:
                text, kind = solution, 'right'
            # each file differs, as students' do (a comment with its number)
            f = os.path.join(d, 'sub%04d.lua' % i)
            with open(f, 'w') as fh:
                fh.write('-- submission %d\n' % i + text)
            files.append(f)
            kinds.append(kind)
        o = os.path.join(d, 'out')
        s = time.perf_counter()
        p = subprocess.run([a.nnlab, 'grade', '--jobs', '2', '--format', 'json', '--out', o, spec] + files,
                           capture_output=True, text=True, cwd=ROOT)
        el = time.perf_counter() - s
        if p.returncode != 0:
            t.note(where, 'nnlab grade --jobs 2, lecture', 'failed: ' + (p.stderr or p.stdout)[-200:])
            return
        # the right ones earn full marks, the ones that do not load nothing
        import json
        odd = 0
        for f, kind in zip(files, kinds):
            with open(os.path.join(o, os.path.basename(f)[:-4] + '.json')) as fh:
                r = json.load(fh)
            full = sum(x['max_score'] for x in r['tests'])
            if (kind == 'right' and r['score'] != full) or (kind in ('loop', 'crash') and r['score'] != 0):
                odd += 1
        if odd:
            print('warning: item 7: %d submissions did not score as expected' % odd, file=sys.stderr)
    n = kinds.count
    t.add(where, label % (count, n('right'), n('wrong'), n('loop'), n('crash')), [count / el], '', None,
          'subm./s')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--nnlab', default=os.path.join(ROOT, 'nnlab'))
    ap.add_argument('--blas', default=os.path.join(ROOT, 'build', 'bench-blas'))
    ap.add_argument('--quick', action='store_true', help='fewer repetitions (to try the bench)')
    ap.add_argument('--only', default='1,2,3,4,5,6,7,8', help='items to run, e.g. 3,4')
    ap.add_argument('--wait-quiet', type=float, default=0, metavar='SECONDS',
                    help='before each item, wait up to this long for the load average to drop below 0.7')
    a = ap.parse_args()
    a.nnlab = os.path.abspath(a.nnlab)
    a.blas = os.path.abspath(a.blas)
    only = set(a.only.split(','))
    refs = {'numpy': have('numpy'), 'torch': have('torch')}
    for k, ok in refs.items():
        if not ok:
            print('note: %s is missing (Debian: apt-get install python3-%s); its columns are n/a'
                  % (k, k), file=sys.stderr)
    loads = []
    load0 = os.getloadavg()[0]
    started = time.strftime('%Y-%m-%d %H:%M')
    t, losses = Table(), []
    steps = [('1', lambda: item_matmul(t, a, a.quick)),
             ('2', lambda: item_smallop(t, a, a.quick, refs)),
             ('3', lambda: item_smallnet(t, a, a.quick, refs, losses)),
             ('4', lambda: item_mnist(t, a, a.quick, refs, losses)),
             ('5', lambda: item_startup(t, a, a.quick)),
             ('6', lambda: item_grading(t, a, a.quick)),
             ('7', lambda: item_grading_lecture(t, a, a.quick)),
             ('8', lambda: item_elementwise(t, a, a.quick, refs))]
    for k, f in steps:
        if k in only:
            if a.wait_quiet:
                wait_quiet(a.wait_quiet)
            loads.append('%s: %.2f' % (k, os.getloadavg()[0]))
            print('running item %s ...' % k, file=sys.stderr, flush=True)
            f()
    versions = []
    for m in ('numpy', 'torch'):
        if refs[m]:
            v = subprocess.run([PY, '-c', 'import %s; print(%s.__version__)' % (m, m)],
                               capture_output=True, text=True).stdout.strip()
            versions.append('%s %s' % (m, v))
    print('nnlab benchmark, %s: %s, %d cores; %s; load average before each item %s, '
          '%.2f after%s' % (started, machine(), CORES, ', '.join(versions) or 'no references',
                            ', '.join(loads), os.getloadavg()[0], '' if not a.quick else ' (--quick)'))
    print()
    print(t.markdown())
    if losses:
        print()
        print('The same work (mean losses after training, from the same seeds):')
        for line in losses:
            print('- ' + line)
    if max(float(x.split()[1]) for x in loads) > 0.7 if loads else load0 > 0.7:
        print('\nnote: the machine was busy (load average above 0.7 before an item): '
              'the numbers are lower than they can be.')


if __name__ == '__main__':
    main()
