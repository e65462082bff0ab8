#!/usr/bin/python3
"""Write tests/fixtures/data.lua: numpy's answers for the data module's specs.

data.split shuffles with the permutation np.random.permutation(n) gives after
the same seed; these are numpy's permutations (0-based), to check that.

usage: /usr/bin/python3 tools/gen_data_fixtures.py   (needs Debian's python3-numpy)
"""
import numpy as np

import fixture


def gen_data():
    cases = []
    for seed in (0, 1, 42, 2**32 - 1):
        for n in (1, 2, 10, 37):
            np.random.seed(seed)
            cases.append({'seed': seed, 'n': n,
                          'permutation': np.random.permutation(n).tolist()})
    fixture.write('data', __file__, ['np.random.seed(seed); np.random.permutation(n) (0-based).'],
                  'return %s\n' % fixture.cases(cases))


if __name__ == '__main__':
    gen_data()
