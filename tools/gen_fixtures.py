#!/usr/bin/python3
"""Write the test fixtures in tests/fixtures/ from numpy.

The tests themselves must not need numpy, so what they compare against is
computed here once and committed.  Each fixture file has one function below;
add new ones to FIXTURES.

usage: /usr/bin/python3 tools/gen_fixtures.py [name ...]   (default: all)
"""
import sys

import numpy as np

import fixture


# --- rng: numpy's legacy np.random -----------------------------------------

def rng_step(op, *args):
    """Run one np.random call; return a step record with numpy's values."""
    if op == 'seed':
        np.random.seed(args[0])
        return {'op': 'seed', 'seed': args[0]}
    if op == 'rand':
        r, c = args
        v = np.random.random_sample((r, c))
        return {'op': op, 'rows': r, 'cols': c, 'values': v.ravel().tolist()}
    if op == 'randn':
        r, c, mean, std = args
        v = np.random.normal(mean, std, (r, c))
        return {'op': op, 'rows': r, 'cols': c, 'mean': mean, 'std': std,
                'values': v.ravel().tolist()}
    if op == 'randint':  # count separate scalar draws of np.random.randint(n)
        n, count = args
        v = [int(np.random.randint(n)) for _ in range(count)]
        return {'op': op, 'n': n, 'values': v}
    if op == 'randint_matrix':
        n, r, c = args
        v = np.random.randint(n, size=(r, c))
        return {'op': op, 'n': n, 'rows': r, 'cols': c, 'values': v.ravel().tolist()}
    raise ValueError(op)


def rng_case(name, steps):
    return {'name': name, 'steps': [rng_step(*s) for s in steps]}


def gen_rng():
    cases = []
    for seed in (0, 1, 42, 2**32 - 1):
        cases.append(rng_case('seed %d: rand(3, 4)' % seed, [('seed', seed), ('rand', 3, 4)]))
        # an odd count, so the last value comes from the gaussian cache
        cases.append(rng_case('seed %d: randn(5, 3)' % seed, [('seed', seed), ('randn', 5, 3, 0.0, 1.0)]))
        cases.append(rng_case('seed %d: randn(2, 2, 2.5, 0.1)' % seed,
                              [('seed', seed), ('randn', 2, 2, 2.5, 0.1)]))
        for n in (1, 2, 3, 10, 1000, 2**31, 2**32, 2**32 + 1, 2**32 + 5, 2**62 + 3):
            cases.append(rng_case('seed %d: randint(%d)' % (seed, n),
                                  [('seed', seed), ('randint', n, 7), ('rand', 1, 1)]))
    cases.append(rng_case('randint(1) draws nothing',
                          [('seed', 3), ('randint', 1, 5), ('rand', 1, 2)]))
    cases.append(rng_case('randint(n, r, c) is row-major',
                          [('seed', 5), ('randint_matrix', 6, 2, 3), ('randint_matrix', 1000, 3, 1)]))
    cases.append(rng_case('the cached gaussian survives other draws',
                          [('seed', 7), ('rand', 1, 3), ('randn', 1, 1, 0.0, 1.0),
                           ('randint', 10, 3), ('rand', 2, 1), ('randn', 1, 1, 0.0, 1.0),
                           ('randn', 1, 3, -1.0, 2.0), ('randint_matrix', 2**20, 1, 2),
                           ('randn', 3, 1, 0.0, 1.0)]))
    cases.append(rng_case('seed resets the cached gaussian',
                          [('seed', 11), ('randn', 1, 1, 0.0, 1.0), ('seed', 11),
                           ('randn', 1, 2, 0.0, 1.0), ('seed', 12), ('rand', 1, 1),
                           ('randn', 1, 3, 0.0, 1.0), ('seed', 12), ('randn', 1, 1, 0.0, 1.0)]))
    cases.append(rng_case('std 0 and negative mean',
                          [('seed', 13), ('randn', 1, 3, -4.0, 0.0), ('randn', 2, 1, -4.0, 3.0)]))
    cases.append(rng_case('past one block of 624 words',
                          [('seed', 2024), ('rand', 20, 20), ('randn', 15, 15, 0.0, 1.0),
                           ('randint', 2**32 + 5, 700)]))
    fixture.write('rng', __file__, [
        'Each case seeds, then runs its steps in order; values are numpy\'s, row-major.',
        'rand = np.random.random_sample((rows, cols)); randn = np.random.normal(mean, std, (rows, cols));',
        'randint = separate draws of np.random.randint(n) (0-based);',
        'randint_matrix = np.random.randint(n, size=(rows, cols)).',
    ], 'return %s\n' % fixture.cases(cases))


FIXTURES = {'rng': gen_rng}


def main(names):
    for name in names or sorted(FIXTURES):
        FIXTURES[name]()


if __name__ == '__main__':
    main(sys.argv[1:])
