#!/usr/bin/python3
"""Write tests/fixtures/train.lua: Sequential:fit reproduced in numpy.

The homework's numpy modules (tests/reference/homework.py) trained the way
nnlab's fit is documented to train (README, "Reference: training"): the
columns of an epoch in the order of np.random.permutation(N) (shuffle true),
in order (false) or drawn one by one with np.random.randint(N) (shuffle
'replace'); batches of `batch` columns, the last one smaller; the gradient
of a batch scaled by 1/b; the optimizers' formulas of the course notes with
weight decay on W (not W0); inverted dropout with the mask
np.random.random_sample(shape) >= p.  After every epoch the loss per data
point and the accuracy on the whole training set.  tests/train_spec.lua
replays every case with fit and compares.  The tests do not need numpy; this
script does (Debian's python3-numpy).

usage: /usr/bin/python3 tools/gen_train_fixtures.py
"""
import os

import numpy as np

from fixture import ROOT, hw, lua_value, weights
import fixture


class Dropout(hw.Module):
    def __init__(self, p):
        self.p = p
        self.training = True

    def forward(self, Z):
        if not self.training:
            self.mask = None
            return Z
        keep = 1.0 - self.p
        self.mask = (np.random.random_sample(Z.shape) >= self.p).astype(float)
        return Z * self.mask / keep

    def backward(self, dLdA):
        if self.mask is None:
            return dLdA
        return dLdA * self.mask / (1.0 - self.p)


class Optimizer:
    """The update rules of the course notes, entry by entry in the order
    src/core/optim.h documents."""

    def __init__(self, kind, lr, gamma=0.9, beta1=0.9, beta2=0.999, eps=1e-8, wd=0.0):
        self.kind, self.lr, self.gamma = kind, lr, gamma
        self.beta1, self.beta2, self.eps, self.wd = beta1, beta2, eps, wd
        self.state = {}

    def step(self, params, scale):
        for key, name, W, G in params:
            g = G if scale == 1.0 else scale * G
            if self.wd != 0.0 and name != 'W0':
                g = g + self.wd * W
            st = self.state.setdefault(key, {'t': 0, 'S': np.zeros_like(W), 'T': np.zeros_like(W)})
            st['t'] += 1
            t = st['t']
            if self.kind == 'SGD':
                W[...] = W - self.lr * g
            elif self.kind == 'Momentum':
                st['S'] = self.gamma * st['S'] + self.lr * g
                W[...] = W - st['S']
            elif self.kind == 'Adadelta':
                st['S'] = self.gamma * st['S'] + (1.0 - self.gamma) * (g * g)
                W[...] = W - self.lr / np.sqrt(st['S'] + self.eps) * g
            elif self.kind == 'Adam':
                c1 = 1.0 - self.beta1 ** t
                c2 = 1.0 - self.beta2 ** t
                st['S'] = self.beta1 * st['S'] + (1.0 - self.beta1) * g
                st['T'] = self.beta2 * st['T'] + (1.0 - self.beta2) * (g * g)
                W[...] = W - self.lr / np.sqrt(st['T'] / c2 + self.eps) * (st['S'] / c1)


def params(net):
    out = []
    for i, m in enumerate(net.modules):
        if isinstance(m, hw.Linear):
            out.append(((i, 'W'), 'W', m.W, m.dLdW))
            out.append(((i, 'W0'), 'W0', m.W0, m.dLdW0))
    return out


def set_mode(net, training):
    for m in net.modules:
        if isinstance(m, Dropout):
            m.training = training


def measure(net, X, Y):
    set_mode(net, False)
    N = X.shape[1]
    A = net.forward(X)
    loss = float(np.sum(-Y * np.log(A))) / N
    acc = float(np.mean(np.argmax(A, axis=0) == np.argmax(Y, axis=0)))
    return loss, acc


def fit(net, X, Y, epochs, batch, shuffle, opt):
    N = X.shape[1]
    batch = min(batch, N)
    spe = (N + batch - 1) // batch
    losses, accs = [], []
    for e in range(epochs):
        set_mode(net, True)
        idx = np.arange(N)
        if shuffle is True:
            idx = np.random.permutation(N)
        for s in range(spe):
            if shuffle == 'replace':
                cols = [np.random.randint(N) for _ in range(batch)]
            else:
                cols = list(idx[s * batch:min((s + 1) * batch, N)])
            Xb, Yb = X[:, cols], Y[:, cols]
            Ypred = net.forward(Xb)
            net.loss.forward(Ypred, Yb)
            net.backward(net.loss.backward())
            b = len(cols)
            opt.step(params(net), 1.0 if b == 1 else 1.0 / b)
        loss, acc = measure(net, X, Y)
        losses.append(loss)
        accs.append(acc)
    return losses, accs


def build(arch):
    return fixture.build(arch, {'Dropout': Dropout})


ARCH = [('Linear', 2, 10), 'ReLU', ('Linear', 10, 10), 'Tanh', ('Linear', 10, 2)]
ARCH_DROP = [('Linear', 2, 10), 'ReLU', ('Dropout', 0.25), ('Linear', 10, 10), 'Tanh',
             ('Linear', 10, 2)]

# name, seed, data, arch, epochs, batch, shuffle, optimizer kind, options
CASES = [
    ('sgd_shuffled_batches', 1, 'hard', ARCH, 15, 4, True, 'SGD', {'lr': 0.1}),
    ('sgd_homework', 2, 'hard', ARCH, 10, 1, 'replace', 'SGD', {'lr': 0.05}),
    ('momentum_uneven_batches', 3, 'hard', ARCH, 12, 7, False, 'Momentum', {'lr': 0.05, 'gamma': 0.8}),
    ('adadelta_full_batch_decay', 4, 'xor_more', ARCH, 30, 100, False, 'Adadelta',
     {'lr': 0.02, 'gamma': 0.95, 'eps': 1e-6, 'wd': 1e-3}),
    ('adam_replace_decay', 5, 'hard', ARCH, 10, 3, 'replace', 'Adam', {'lr': 0.01, 'wd': 1e-2}),
    ('adam_dropout', 6, 'hard', ARCH_DROP, 10, 5, True, 'Adam', {'lr': 0.02, 'beta1': 0.8, 'beta2': 0.99}),
]


def run(name, seed, data, arch, epochs, batch, shuffle, kind, o):
    X, Y = hw.load_data(os.path.join(ROOT, 'data', data + '.txt'))
    np.random.seed(seed)
    net = build(arch)
    opt = Optimizer(kind, **o)
    losses, accs = fit(net, X, Y, epochs, batch, shuffle, opt)
    opts = dict(o)
    if 'wd' in opts:
        opts['weight_decay'] = opts.pop('wd')
    return {
        'name': name, 'seed': seed, 'data': data,
        'arch': [a if isinstance(a, str) else list(a) for a in arch] + ['SoftMax'],
        'epochs': epochs, 'batch': batch, 'shuffle': shuffle,
        'optimizer': kind, 'options': opts,
        'final': weights(net), 'loss': losses, 'accuracy': accs,
    }


def permutations():
    """np.random.permutation(n) + 1, three times in a row after a seed."""
    out = []
    for seed, n in [(0, 5), (1, 20), (7, 1), (123, 300)]:
        np.random.seed(seed)
        out.append({'seed': seed, 'n': n,
                    'orders': [[int(i) + 1 for i in np.random.permutation(n)] for _ in range(3)]})
    return out


def main():
    fixture.write('train', __file__, [
        'fit reproduced with the homework\'s numpy modules; weights are tables of rows.',
    ], 'return {\n  permutations = %s,\n  cases = %s,\n}\n' % (
        lua_value(permutations()), fixture.cases([run(*case) for case in CASES], '    ')))


if __name__ == '__main__':
    main()
