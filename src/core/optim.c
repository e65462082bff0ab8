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

/* g, the gradient entry the rules use: scale * G, plus weight decay.  With
   scale 1, scale * G is G to the bit; without weight decay nothing is added
   (0 * p would be NaN for an infinite p).  No branch: the loops vectorise. */
static double grad(double g, double p, double scale, double wd) {
  g = scale * g;
  return wd != 0.0 ? g + wd * p : g;
}

/* One loop per kind (the kind outside the loop), so that the compiler can
   vectorise each; every entry is computed exactly as written in optim.h. */
void optim_update(const OptConf *c, Mat *P, const Mat *G, double scale, Mat *S, Mat *T,
                double t, int decay) {
  size_t i, n = mat_len(P);
  double lr = c->lr, wd = decay ? c->weight_decay : 0.0;
  double *p = P->v;
  const double *gr = G->v;
  switch (c->kind) {
    case OPT_SGD:
      for (i = 0; i < n; i++)
        p[i] = p[i] - lr * grad(gr[i], p[i], scale, wd);
      break;
    case OPT_MOMENTUM: {
      double gamma = c->gamma, *m = S->v;
      for (i = 0; i < n; i++) {
        m[i] = gamma * m[i] + lr * grad(gr[i], p[i], scale, wd);
        p[i] = p[i] - m[i];
      }
      break;
    }
    case OPT_ADADELTA: {
      double gamma = c->gamma, eps = c->eps, *a = S->v;
      for (i = 0; i < n; i++) {
        double g = grad(gr[i], p[i], scale, wd);
        a[i] = gamma * a[i] + (1.0 - gamma) * (g * g);
        p[i] = p[i] - lr / sqrt(a[i] + eps) * g;
      }
      break;
    }
    case OPT_ADAM: {
      double b1 = c->beta1, b2 = c->beta2, eps = c->eps, *m = S->v, *v = T->v;
      double c1 = 1.0 - pow(b1, t), c2 = 1.0 - pow(b2, t);
      for (i = 0; i < n; i++) {
        double g = grad(gr[i], p[i], scale, wd);
        m[i] = b1 * m[i] + (1.0 - b1) * g;
        v[i] = b2 * v[i] + (1.0 - b2) * (g * g);
        p[i] = p[i] - lr / sqrt(v[i] / c2 + eps) * (m[i] / c1);
      }
      break;
    }
  }
}
