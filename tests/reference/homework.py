"""A small numpy implementation of the course homework's neural-network modules.

This is the reference that nnlab's nn module must reproduce: the same weights
after the same seed, the same architecture and the same number of SGD steps.
It follows the homework's code line by line (including its names: NLL here is
the multiclass loss that nnlab calls NLLM, and SoftMax.backward passes dL/dZ
through because NLL.backward already returns Ypred - Y).  Used only by
tools/gen_nn_fixtures.py; the tests read the fixtures it writes.
"""
import numpy as np


class Module:
    def sgd_step(self, lrate):
        pass


class Linear(Module):
    def __init__(self, m, n):
        self.m, self.n = (m, n)  # (in size, out size)
        self.W0 = np.zeros([self.n, 1])  # (n x 1)
        self.W = np.random.normal(0, 1.0 * m ** (-.5), [m, n])  # (m x n)

    def forward(self, A):
        self.A = A  # (m x b)
        return np.dot(self.W.T, A) + self.W0  # (n x b)

    def backward(self, dLdZ):  # dLdZ is (n x b), uses the stored self.A
        self.dLdW = np.dot(self.A, dLdZ.T)  # (m x n)
        self.dLdW0 = dLdZ.sum(axis=1).reshape((self.n, 1))  # (n x 1)
        return np.dot(self.W, dLdZ)  # (m x b)

    def sgd_step(self, lrate):
        self.W = self.W - lrate * self.dLdW
        self.W0 = self.W0 - lrate * self.dLdW0


class Tanh(Module):
    def forward(self, Z):
        self.A = np.tanh(Z)
        return self.A

    def backward(self, dLdA):
        return dLdA * (1.0 - (self.A ** 2))


class ReLU(Module):
    def forward(self, Z):
        self.A = np.maximum(0, Z)
        return self.A

    def backward(self, dLdA):
        return dLdA * (self.A != 0)


class SoftMax(Module):
    def forward(self, Z):
        return np.exp(Z) / np.sum(np.exp(Z), axis=0)

    def backward(self, dLdZ):  # NLL.backward already gives dL/dZ
        return dLdZ

    def class_fun(self, Ypred):  # 0-based, nnlab's classify is 1-based
        return np.argmax(Ypred, axis=0)


class NLL(Module):  # multiclass: nnlab's NLLM
    def forward(self, Ypred, Y):
        self.Ypred = Ypred
        self.Y = Y
        return float(np.sum(-Y * np.log(Ypred)))

    def backward(self):
        return self.Ypred - self.Y


class Sequential:
    def __init__(self, modules, loss):
        self.modules = modules
        self.loss = loss

    def sgd(self, X, Y, iters=100, lrate=0.005, trace=None):
        """The homework's loop; trace (a list) collects the sampled indices
        and the per-step losses without touching the random stream."""
        D, N = X.shape
        sum_loss = 0
        for it in range(iters):
            i = np.random.randint(N)
            Xt = X[:, i:i + 1]
            Yt = Y[:, i:i + 1]
            Ypred = self.forward(Xt)
            loss = self.loss.forward(Ypred, Yt)
            sum_loss += loss
            err = self.loss.backward()
            self.backward(err)
            self.sgd_step(lrate)
            if trace is not None:
                trace.append((i, loss))
        return sum_loss

    def forward(self, Xt):
        for m in self.modules:
            Xt = m.forward(Xt)
        return Xt

    def backward(self, delta):
        for m in self.modules[::-1]:
            delta = m.backward(delta)

    def sgd_step(self, lrate):
        for m in self.modules:
            m.sgd_step(lrate)

    def classify(self, X):
        return self.modules[-1].class_fun(self.forward(X))


def load_data(path):
    """X (2 x n) and Y one-hot (2 x n, rows {1-y, y}, the homework's
    for_softmax) from a data file of 'x1 x2 label' lines."""
    rows = [list(map(float, line.split())) for line in open(path)
            if line.strip() and not line.startswith('#')]
    a = np.array(rows)
    X = a[:, :2].T.copy()
    y = a[:, 2:3].T
    return X, np.vstack([1 - y, y])
