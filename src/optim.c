/*
 * optim.c -- the optimizers' update rules.  See optim.h.
 */
#include <math.h>
#include <stddef.h>

#include "optim.h"

const char *optim_name(OptKind k) {
  switch (k) {
    case OPT_SGD: return "SGD";
    case OPT_MOMENTUM: return "Momentum";
    case OPT_ADADELTA: return "Adadelta";
    case OPT_ADAM: return "Adam";
  }
  return "?";
}

int optim_nstate(OptKind k) {
  return k == OPT_ADAM ? 2 : k == OPT_SGD ? 0 : 1;
}

void optim_update(const OptConf *c, Mat *P, const Mat *G, double scale, Mat *S, Mat *T,
                double t, int decay) {
  size_t i, n = mat_len(P);
  double lr = c->lr, wd = decay ? c->weight_decay : 0.0;
  double c1 = 1.0, c2 = 1.0;
  if (c->kind == OPT_ADAM) {
    c1 = 1.0 - pow(c->beta1, t);
    c2 = 1.0 - pow(c->beta2, t);
  }
  for (i = 0; i < n; i++) {
    double p = P->v[i], g = G->v[i];
    if (scale != 1.0) g = scale * g;
    if (wd != 0.0) g = g + wd * p;
    switch (c->kind) {
      case OPT_SGD:
        P->v[i] = p - lr * g;
        break;
      case OPT_MOMENTUM:
        S->v[i] = c->gamma * S->v[i] + lr * g;
        P->v[i] = p - S->v[i];
        break;
      case OPT_ADADELTA:
        S->v[i] = c->gamma * S->v[i] + (1.0 - c->gamma) * (g * g);
        P->v[i] = p - lr / sqrt(S->v[i] + c->eps) * g;
        break;
      case OPT_ADAM:
        S->v[i] = c->beta1 * S->v[i] + (1.0 - c->beta1) * g;
        T->v[i] = c->beta2 * T->v[i] + (1.0 - c->beta2) * (g * g);
        P->v[i] = p - lr / sqrt(T->v[i] / c2 + c->eps) * (S->v[i] / c1);
        break;
    }
  }
}
