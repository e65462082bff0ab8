"""The PyTorch side of the benchmark (tests/bench/bench.py runs it):
    python3 tests/bench/ref_torch.py ITEM ARGS...
The same work as tests/bench/nnlab.lua, written as a PyTorch user would
(torch.nn modules, cross_entropy, autograd, torch.optim.SGD) in float64,
from the same data, initial weights (drawn with numpy's legacy generator in
the homework's order, W m x n becoming the m -> n layer's weight W^T) and
sample order.  Prints "RESULT key unit v1 v2 ..." and "INFO key text" lines.
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

import refio
from refio import ROOT, hw, info, now, result


def model(sizes, act):
    """torch layers for sizes, weights drawn as the homework's Linear(m, n)
    draws them (numpy's stream must be seeded first)."""
    layers = []
    for m, n in zip(sizes, sizes[1:]):
        W = np.random.normal(0, 1.0 * m ** (-.5), [m, n])
        lin = torch.nn.Linear(m, n).double()
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W.T))
            lin.bias.zero_()
        layers += [lin, act()]
    return torch.nn.Sequential(*layers[:-1])  # logits: SoftMax is in cross_entropy


def smallnet(reps, iters, lr, seed):
    torch.set_num_threads(1)
    X, Y = hw.load_data(os.path.join(ROOT, 'data', 'hard.txt'))
    N = X.shape[1]
    Xt = torch.from_numpy(X.T.copy())           # one sample per row
    yt = torch.from_numpy(Y.argmax(axis=0))     # class indices
    out = []
    for _ in range(reps):
        np.random.seed(seed)
        net = model([2, 10, 10, 2], torch.nn.Tanh)
        opt = torch.optim.SGD(net.parameters(), lr=lr)
        t = now()
        for _ in range(iters):
            i = np.random.randint(N)
            loss = F.cross_entropy(net(Xt[i:i + 1]), yt[i:i + 1], reduction='sum')
            opt.zero_grad()
            loss.backward()
            opt.step()
        out.append(iters / (now() - t))
        with torch.no_grad():
            final = F.cross_entropy(net(Xt), yt, reduction='sum').item() / N
    result('smallnet', 'steps/s', out)
    info('smallnet', 'final mean loss %.12g' % final)


def mnist(reps, threads, seed, batch, lr, torch_threads=None):
    """threads names the result; torch_threads is PyTorch's own (OpenMP)
    pool (default: threads), which bench.py sets apart from OpenBLAS's in
    some configurations."""
    torch.set_num_threads(torch_threads or threads)
    N = 60000
    np.random.seed(seed)
    X = np.random.random_sample((784, N))
    labels = np.random.randint(10, size=N)
    Xt = torch.from_numpy(X)                    # 784 x N, shared with numpy
    yt = torch.from_numpy(labels)
    out = []
    for _ in range(reps):
        np.random.seed(seed + 1)
        net = model([784, 128, 64, 10], torch.nn.ReLU)
        opt = torch.optim.SGD(net.parameters(), lr=lr)
        t = now()
        for s in range(0, N, batch):
            xb, yb = Xt[:, s:s + batch].T, yt[s:s + batch]
            loss = F.cross_entropy(net(xb), yb, reduction='mean')  # the batch's mean gradient
            opt.zero_grad()
            loss.backward()
            opt.step()
        total = 0.0  # the loss over the data, as fit reports it after an epoch
        with torch.no_grad():
            for s in range(0, N, 1024):
                total += F.cross_entropy(net(Xt[:, s:s + 1024].T), yt[s:s + 1024],
                                         reduction='sum').item()
        out.append(N / (now() - t))
        loss = total / N
    result('mnist.t%d' % threads, 'samples/s', out)
    info('mnist.t%d' % threads, 'loss after the epoch %.12g' % loss)


if __name__ == '__main__':
    refio.main({'smallnet': (smallnet, [int, int, float, int]),
                'mnist': (mnist, [int, int, int, int, float, int])})
