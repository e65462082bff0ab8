/*
 * net.c -- training a chain of layers entirely in C (see net.h).
 */
#include <string.h>

#include "net.h"

size_t net_memsize(const Net *net, int b, int grads) {
  size_t doubles = (size_t)net->in, i;  /* A[0] (and D[0]) */
  for (i = 0; i < (size_t)net->n; i++)
    doubles += (size_t)net->layer[i].out;
  if (grads)
    doubles *= 2;
  doubles += (size_t)net->layer[net->n - 1].out;  /* Y */
  return 2 * ((size_t)net->n + 1) * sizeof(Mat) + doubles * (size_t)b * sizeof(double);
}

static double *carve(Mat *m, int rows, int b, double *v) {
  m->rows = rows;
  m->cols = b;
  m->v = v;
  return v == NULL ? NULL : v + (size_t)rows * (size_t)b;
}

void net_bind(Net *net, int b, int grads, void *mem) {
  int i;
  double *v, *dv;
  net->b = b;
  net->A = (Mat *)mem;
  net->D = net->A + net->n + 1;
  v = (double *)(net->D + net->n + 1);
  v = carve(&net->A[0], net->in, b, v);
  for (i = 0; i < net->n; i++)
    v = carve(&net->A[i + 1], net->layer[i].out, b, v);
  v = carve(&net->Y, net->layer[net->n - 1].out, b, v);
  dv = grads ? v : NULL;  /* without gradients D[i] has no numbers */
  dv = carve(&net->D[0], net->in, b, dv);
  for (i = 0; i < net->n; i++)
    dv = carve(&net->D[i + 1], net->layer[i].out, b, dv);
}

void net_gather(Net *net, const Mat *X, const Mat *Y, const size_t *idx) {
  net->X = NULL;
  mat_gather_cols(&net->A[0], X, idx);
  mat_gather_cols(&net->Y, Y, idx);
}

/* dst = the dst->cols neighbouring columns of src from first on */
static void block(Mat *dst, const Mat *src, size_t first) {
  int r;
  for (r = 0; r < dst->rows; r++)
    memcpy(dst->v + (size_t)r * (size_t)dst->cols, src->v + (size_t)r * (size_t)src->cols + first,
           (size_t)dst->cols * sizeof(double));
}

void net_view(Net *net, const Mat *X, const Mat *Y, size_t first) {
  block(&net->Y, Y, first);
  net->X = NULL;
  if (!net->layer[0].linear) {
    block(&net->A[0], X, first);
    return;
  }
  net->X = X;
  net->first = first;
}

void net_unview(Net *net) {
  if (net->X != NULL)
    block(&net->A[0], net->X, net->first);
  net->X = NULL;
}

/* Layer 0's input: A[0], or the view. */
static const double *input(const Net *net, size_t *ld) {
  if (net->X != NULL) {
    *ld = (size_t)net->X->cols;
    return net->X->v + net->first;
  }
  *ld = (size_t)net->A[0].cols;
  return net->A[0].v;
}

/* The lowest Linear: backward has nothing to do below it. */
static int lowest_linear(const Net *net) {
  int i;
  for (i = 0; i < net->n; i++)
    if (net->layer[i].linear)
      return i;
  return net->n;
}

/* Forward through layers 0 .. top-1. */
static int forward(Net *net, int top) {
  int i, rc;
  Mat *A = net->A;
  for (i = 0; i < top; i++) {
    NetLayer *l = &net->layer[i];
    if (l->linear) {
      size_t ld;
      const double *in = i == 0 ? input(net, &ld) : A[i].v;
      rc = nn_linear_forward_at(&A[i + 1], l->W, l->W0, in, i == 0 ? ld : (size_t)A[i].cols);
    } else {
      rc = nn_act_forward(l->act, l->alpha, &A[i + 1], &A[i]);
    }
    if (rc != MAT_OK)
      return rc;
  }
  return MAT_OK;
}

int net_backprop(Net *net, double *loss) {
  int i, n = net->n, top = net->fused ? n - 1 : n, low = lowest_linear(net), rc;
  Mat *A = net->A, *D = net->D;
  if ((rc = forward(net, top)) != MAT_OK)
    return rc;
  if (net->fused) {
    if (nn_loss_logits(net->loss.kind, &A[n - 1], &net->Y, loss, NULL, &D[n - 1]) != MAT_OK)
      return MAT_EINTR;
  } else if (nn_loss_forward(&net->loss, &A[n], &net->Y, loss) != MAT_OK ||
             nn_loss_backward(&net->loss, &D[n], &A[n], &net->Y) != MAT_OK) {
    return MAT_EINTR;
  }
  for (i = top - 1; i >= low; i--) {
    NetLayer *l = &net->layer[i];
    if (l->linear) {
      size_t ld = (size_t)A[i].cols;
      const double *in = i == 0 ? input(net, &ld) : A[i].v;
      rc = nn_linear_backward_at(l->dW, l->dW0, i > low ? &D[i] : NULL, l->W, in, ld, &D[i + 1]);
    } else {
      rc = nn_act_backward(l->act, l->alpha, &D[i], &A[i], &A[i + 1], &D[i + 1]);
    }
    if (rc != MAT_OK)
      return rc;
  }
  return MAT_OK;
}

int net_evaluate(Net *net, double *loss) {
  int n = net->n;
  Mat *A = net->A;
  int rc = forward(net, n);
  if (rc != MAT_OK)
    return rc;
  if (net->fused)
    return nn_loss_logits(net->loss.kind, &A[n - 1], &net->Y, loss, NULL, NULL);
  return nn_loss_forward(&net->loss, &A[n], &net->Y, loss);
}

int net_sgd_update(Net *net, double lr) {
  int i;
  for (i = 0; i < net->n; i++) {
    NetLayer *l = &net->layer[i];
    if (l->linear && (nn_sgd_update(l->W, l->dW, lr) != MAT_OK ||
                      nn_sgd_update(l->W0, l->dW0, lr) != MAT_OK))
      return MAT_EINTR;
  }
  return MAT_OK;
}

void net_optim_update(Net *net, const OptConf *c, double scale) {
  int i;
  for (i = 0; i < net->n; i++) {
    NetLayer *l = &net->layer[i];
    if (!l->linear)
      continue;
    l->t[0] += 1;
    optim_update(c, l->W, l->dW, scale, l->S[0][0], l->S[0][1], l->t[0], 1);
    l->t[1] += 1;
    optim_update(c, l->W0, l->dW0, scale, l->S[1][0], l->S[1][1], l->t[1], 0);
  }
}

void net_order(size_t *order, size_t count, size_t n, int mode, Rng *rng) {
  size_t j;
  if (mode == NET_REPLACE) {
    for (j = 0; j < count; j++)
      order[j] = (size_t)rng_randint(rng, (uint64_t)n);
    return;
  }
  for (j = 0; j < count; j++)
    order[j] = j;
  if (mode == NET_SHUFFLE)
    for (j = count - 1; count > 1 && j >= 1; j--) {
      size_t k = (size_t)rng_randint(rng, (uint64_t)j + 1), t = order[j];
      order[j] = order[k];
      order[k] = t;
    }
}

int net_sgd(Net *net, const Mat *X, const Mat *Y, long iters, double lr, Rng *rng,
            double *sum, long *done) {
  long t;
  double s = 0.0, loss;
  int rc = MAT_OK;
  for (t = 0; t < iters && rc == MAT_OK; t++) {
    size_t i;
    net_order(&i, 1, (size_t)X->cols, NET_REPLACE, rng);
    net_gather(net, X, Y, &i);
    rc = net_backprop(net, &loss);
    if (rc == MAT_OK)
      rc = net_sgd_update(net, lr);
    if (rc != MAT_OK)
      break;
    s += loss;
    if (mat_interrupted)  /* after a whole step, so that the state is one */
      rc = MAT_EINTR;
  }
  *sum = s;
  *done = t;
  return rc;
}
