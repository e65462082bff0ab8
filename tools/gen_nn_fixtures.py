#!/usr/bin/python3
"""Write tests/fixtures/homework.lua: the course homework's networks trained
by the numpy reference in tests/reference/homework.py.

Each case seeds numpy's legacy generator, builds a Sequential from the
homework's modules (which draws the weights), runs sgd on one of the data sets
in data/, and records the initial and final weights, the sampled column
indices (1-based, as nnlab numbers them), the per-step losses and the final
classification (1-based).  tests/nn_homework_spec.lua replays every case in
nnlab and compares.  The tests do not need numpy; this script does (Debian's
python3-numpy).

usage: /usr/bin/python3 tools/gen_nn_fixtures.py
"""
import os

import numpy as np

from fixture import ROOT, build, hw, weights
import fixture

# name, seed, data set, architecture, iterations, learning rate
CASES = [
    # The reproduction case, then the same run for longer.
    ('sss_tanh_1', 0, 'super_simple_separable', [('Linear', 2, 3), 'Tanh', ('Linear', 3, 2)], 1, 0.005),
    ('sss_tanh_10', 0, 'super_simple_separable', [('Linear', 2, 3), 'Tanh', ('Linear', 3, 2)], 10, 0.005),
    ('sss_tanh_100', 0, 'super_simple_separable', [('Linear', 2, 3), 'Tanh', ('Linear', 3, 2)], 100, 0.005),
    ('sss_relu_1', 0, 'super_simple_separable', [('Linear', 2, 3), 'ReLU', ('Linear', 3, 2)], 1, 0.005),
    ('sss_relu_10', 0, 'super_simple_separable', [('Linear', 2, 3), 'ReLU', ('Linear', 3, 2)], 10, 0.005),
    ('sss_relu_100', 0, 'super_simple_separable', [('Linear', 2, 3), 'ReLU', ('Linear', 3, 2)], 100, 0.005),
    # 9 normals in the middle layer: the cached second gaussian of a pair
    # carries over into the next layer's draws.
    ('origin_odd_draws', 42, 'super_simple_separable_through_origin',
     [('Linear', 2, 3), 'ReLU', ('Linear', 3, 3), 'Tanh', ('Linear', 3, 2)], 50, 0.1),
    ('xor_tanh', 1, 'xor', [('Linear', 2, 10), 'Tanh', ('Linear', 10, 10), 'Tanh', ('Linear', 10, 2)], 1000, 0.005),
    ('xor_more_relu', 2, 'xor_more', [('Linear', 2, 10), 'ReLU', ('Linear', 10, 10), 'ReLU', ('Linear', 10, 2)], 500, 0.05),
    ('hard_mixed', 3, 'hard', [('Linear', 2, 10), 'ReLU', ('Linear', 10, 10), 'Tanh', ('Linear', 10, 2)], 300, 0.01),
    ('hard_seed_max', 2**32 - 1, 'hard', [('Linear', 2, 5), 'Tanh', ('Linear', 5, 2)], 20, 0.05),
]


def run(name, seed, data, arch, iters, lr):
    X, Y = hw.load_data(os.path.join(ROOT, 'data', data + '.txt'))
    np.random.seed(seed)
    net = build(arch)
    init = weights(net)
    trace = []
    sum_loss = net.sgd(X, Y, iters, lr, trace)
    return {
        'name': name, 'seed': seed, 'data': data,
        'arch': [a if isinstance(a, str) else list(a) for a in arch] + ['SoftMax'],
        'iters': iters, 'lr': lr,
        'init': init, 'final': weights(net),
        'indices': [i + 1 for i, _ in trace],
        'losses': [loss for _, loss in trace],
        'sum_loss': sum_loss,
        'classify': [int(c) + 1 for c in net.classify(X)],
    }


def main():
    fixture.write('homework', __file__, [
        'The homework\'s networks (tests/reference/homework.py) trained by sgd;',
        'indices and classify are 1-based; weights are tables of rows.',
    ], 'return %s\n' % fixture.cases([run(*case) for case in CASES]))


if __name__ == '__main__':
    main()
