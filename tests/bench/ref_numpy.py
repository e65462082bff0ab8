"""The numpy side of the benchmark (tests/bench/bench.py runs it):
    python3 tests/bench/ref_numpy.py ITEM ARGS...
The same work as tests/bench/nnlab.lua, from the same seeds, written the
homework's way (the modules of tests/reference/homework.py).  Prints
"RESULT key unit v1 v2 ..." and "INFO key text" lines.
"""
import os

import numpy as np

import refio
from refio import ROOT, hw, info, now, result


def calibrate(f, seconds):
    n = 1
    while True:
        t = now()
        f(n)
        t = now() - t
        if t > seconds / 4:
            return max(1, int(n * seconds / t))
        n *= 2


def smallop(reps):
    for m, n in ((4, 3), (2, 10)):
        np.random.seed(1)
        W = np.random.normal(size=(m, n))
        W0 = np.random.normal(size=(n, 1))
        x = np.random.normal(size=(m, 1))

        def f(calls):
            for _ in range(calls):
                np.dot(W.T, x) + W0
        calls = calibrate(f, 0.1)
        out = []
        for _ in range(reps):
            t = now()
            f(calls)
            out.append((now() - t) / calls * 1e9)
        result('smallop.%dx%d' % (m, n), 'ns/op', out)


def elementwise(reps, *shapes):
    """The homework modules' maths as a student writes it in numpy."""
    for shape in shapes:
        m, b = (int(x) for x in shape.split('x'))
        np.random.seed(1)
        Z = np.random.normal(size=(m, b))
        dLdA = np.random.normal(size=(m, b))

        def softmax():
            E = np.exp(Z)
            return E / E.sum(axis=0)

        def relu():
            mask = Z > 0
            return Z * mask, dLdA * mask
        for name, g in (('tanh', lambda: np.tanh(Z)), ('softmax', softmax), ('relu', relu)):
            def f(calls):
                for _ in range(calls):
                    g()
            calls = calibrate(f, 0.1)
            out = []
            for _ in range(reps):
                t = now()
                f(calls)
                out.append((now() - t) / calls * 1e6)
            result('elementwise.%s.%s' % (name, shape), 'us', out)


def smallnet(reps, iters, lr, seed):
    X, Y = hw.load_data(os.path.join(ROOT, 'data', 'hard.txt'))
    N = X.shape[1]
    out = []
    for _ in range(reps):
        np.random.seed(seed)
        net = hw.Sequential([hw.Linear(2, 10), hw.Tanh(), hw.Linear(10, 10), hw.Tanh(),
                             hw.Linear(10, 2), hw.SoftMax()], hw.NLL())
        t = now()
        net.sgd(X, Y, iters, lr)
        out.append(iters / (now() - t))
        final = net.loss.forward(net.forward(X), Y) / N
    result('smallnet', 'steps/s', out)
    info('smallnet', 'final mean loss %.12g' % final)


def mnist(reps, threads, seed, batch, lr):
    N = 60000
    np.random.seed(seed)
    X = np.random.random_sample((784, N))
    labels = np.random.randint(10, size=N)
    Y = np.zeros((10, N))
    Y[labels, np.arange(N)] = 1
    del labels
    out = []
    for _ in range(reps):
        np.random.seed(seed + 1)
        net = hw.Sequential([hw.Linear(784, 128), hw.ReLU(), hw.Linear(128, 64), hw.ReLU(),
                             hw.Linear(64, 10), hw.SoftMax()], hw.NLL())
        t = now()
        for s in range(0, N, batch):
            Xb, Yb = X[:, s:s + batch], Y[:, s:s + batch]
            b = Xb.shape[1]
            net.loss.forward(net.forward(Xb), Yb)
            net.backward(net.loss.backward())
            for m in net.modules:  # the batch's mean gradient, as fit takes it
                if isinstance(m, hw.Linear):
                    m.dLdW, m.dLdW0 = (1.0 / b) * m.dLdW, (1.0 / b) * m.dLdW0
            net.sgd_step(lr)
        total = 0.0  # the loss over the data, as fit reports it after an epoch
        for s in range(0, N, 1024):
            total += net.loss.forward(net.forward(X[:, s:s + 1024]), Y[:, s:s + 1024])
        out.append(N / (now() - t))
        loss = total / N
    result('mnist.t%d' % threads, 'samples/s', out)
    info('mnist.t%d' % threads, 'loss after the epoch %.12g' % loss)


if __name__ == '__main__':
    refio.main({'smallop': (smallop, [int]),
                'smallnet': (smallnet, [int, int, float, int]),
                'mnist': (mnist, [int, int, int, int, float]),
                'elementwise': (elementwise, [int, str, str, str])})
