/*
 * net.h -- training a chain of layers entirely in C.
 *
 * Pure C over the kernels of nn.h: a Net describes the layers of an
 * nn.Sequential made only of C modules (Linear and the activations) and its
 * loss, with buffers for one batch, and runs forward, loss, backward and the
 * update with no allocation.  Every step calls the same kernels, in the same
 * order and on the same numbers, as the Lua methods forward / backward /
 * sgd_step do, so the weights come out bit for bit the same as from the
 * Lua loop.
 */
#ifndef NNLAB_NET_H
#define NNLAB_NET_H

#include <stddef.h>

#include "mat.h"
#include "nn.h"
#include "optim.h"
#include "rng.h"

typedef struct NetLayer {
  int linear;               /* Linear (W, W0, dW, dW0), or an activation */
  Mat *W, *W0, *dW, *dW0;   /* a Linear's own matrices, updated in place */
  NnAct act;                /* an activation's kind and LeakyReLU's slope */
  double alpha;
  int out;                  /* rows of the layer's output */
  Mat *S[2][2];             /* for net_optim_update: the optimizer's state */
  double t[2];              /* matrices and step counts of W ([0]) and W0 ([1]) */
} NetLayer;

typedef struct Net {
  int n;                    /* layers */
  NetLayer *layer;
  int in;                   /* rows of the input */
  NnLoss loss;
  int fused;                /* SoftMax + NLLM or Sigmoid + NLL at the end: the
                               loss from the logits, as Sequential does */
  /* Buffers for a batch of b columns (net_bind): A[0] the input, A[i + 1]
     the output of layer i, D[i] = dL/dA[i]; Y the batch's labels. */
  int b;
  Mat *A, *D, Y;
  /* Set by net_view: the batch's input is read where it is, b neighbouring
     columns of X (A[0] is not filled). */
  const Mat *X;
  size_t first;
} Net;

/* Bytes of memory net_bind needs for batches of b columns, with the
   gradients D (grads, for net_backprop) or without (net_evaluate). */
size_t net_memsize(const Net *net, int b, int grads);
/* Lay the buffers for batches of b columns out in mem (net_memsize bytes,
   aligned for doubles and pointers). */
void net_bind(Net *net, int b, int grads, void *mem);

/* The input and labels of a batch: columns idx[0 .. b-1] of X and Y. */
void net_gather(Net *net, const Mat *X, const Mat *Y, const size_t *idx);
/* The same for the neighbouring columns first .. first+b-1, without copying
   X's when the first layer is a Linear: it reads them in place (a product
   with X's row stride), as numpy and PyTorch do with a slice.  Until the
   next net_gather or net_view. */
void net_view(Net *net, const Mat *X, const Mat *Y, size_t first);
/* A[0] filled as the batch of net_view (for copying it out). */
void net_unview(Net *net);

/* Forward, loss and backward on the batch in A[0] and Y: every Linear's dW
   and dW0 are set, the loss is stored in *loss.  With the loss fused, the
   last activation's output A[n] is left alone (the loss comes from the
   logits A[n - 1], and dL/dA[n - 1] is nn_loss_logits's: G - Y for
   one-hot Y). */
int net_backprop(Net *net, double *loss);

/* Forward through every layer and the loss on the batch in A[0] and Y, as
   Sequential:evaluate computes it (the loss from the logits when fused);
   nothing else changes. */
int net_evaluate(Net *net, double *loss);

/* W = W - lr dW and W0 = W0 - lr dW0 for every Linear. */
int net_sgd_update(Net *net, double lr);

/* One optimizer step (optim.h) on every Linear, with gradient scale * dW:
   W with weight decay, W0 without, each after counting the step in its t. */
void net_optim_update(Net *net, const OptConf *c, double scale);

/*
 * The batch order: the one place it is drawn, for the C loops and (through
 * nnlab.core.train.order) the Lua loops, so that both take the same columns
 * from the same random stream.  order gets count column indices, 0-based,
 * of a data set of n columns:
 *   NET_INORDER  0, 1, ..., count - 1 (an epoch in order, count = n);
 *   NET_SHUFFLE  a permutation of 0 .. n - 1, as np.random.permutation(n)
 *                draws it (Fisher-Yates from the end, j = randint(i + 1));
 *                count = n;
 *   NET_REPLACE  count draws randint(n), with replacement (one step's batch,
 *                or Sequential:sgd's one column per step).
 */
enum { NET_INORDER, NET_SHUFFLE, NET_REPLACE };
void net_order(size_t *order, size_t count, size_t n, int mode, Rng *rng);

/* The homework's stochastic gradient descent, as Sequential:sgd: iters
   steps, each on column randint(N) of X and Y (drawn from rng exactly as
   matrix.randint draws), backprop, then the update.  *sum gets the sum of
   the per-step losses and *done the steps completed.  The buffers must be
   bound for b = 1.  mat_interrupted is polled after every step, which then
   stops the loop with MAT_EINTR; a kernel that gives up on a long product
   also returns MAT_EINTR, with that step half done (no update). */
int net_sgd(Net *net, const Mat *X, const Mat *Y, long iters, double lr, Rng *rng,
            double *sum, long *done);

#endif
