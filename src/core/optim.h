/*
 * optim.h -- the optimizers' update rules (MIT 6.036 notes, "Optimizing
 * neural network parameters"), one parameter matrix at a time.
 *
 * Pure C on Mat (mat.h).  For a parameter P with gradient G (same shape),
 * every entry is updated on its own; with g = scale * G + wd * P (wd only
 * where weight decay applies) and t the number of this parameter's steps,
 * this one included:
 *
 *   SGD       P = P - lr g
 *   Momentum  M = gamma M + lr g;                         P = P - M
 *   Adadelta  S = gamma S + (1 - gamma) g^2;              P = P - lr / sqrt(S + eps) g
 *   Adam      S = beta1 S + (1 - beta1) g;  T = beta2 T + (1 - beta2) g^2
 *             P = P - lr / sqrt(T / (1 - beta2^t) + eps) (S / (1 - beta1^t))
 *
 * (Momentum's M and Adadelta's G are the state S; Adam's m and v are S and
 * T.)  eps is inside the square root, as in the notes.  The expressions are
 * evaluated in exactly the order written, so a Lua loop in that order gives
 * the same doubles.  Updates do not poll mat_interrupted: a step is never
 * left half done.
 */
#ifndef NNLAB_OPTIM_H
#define NNLAB_OPTIM_H

#include "mat.h"

typedef enum { OPT_SGD, OPT_MOMENTUM, OPT_ADADELTA, OPT_ADAM } OptKind;

typedef struct OptConf {
  OptKind kind;
  double lr;            /* eta */
  double gamma;         /* Momentum, Adadelta */
  double beta1, beta2;  /* Adam */
  double eps;           /* Adadelta, Adam */
  double weight_decay;  /* lambda: g = grad + lambda P (L2, lambda/2 ||P||^2) */
} OptConf;

const char *optim_name(OptKind k);
/* How many state matrices of P's shape the kind keeps: 0, 1 or 2. */
int optim_nstate(OptKind k);
/* One step on P.  G, S and T have P's shape (S, T may be NULL when the kind
   keeps fewer); t >= 1 is the step number (Adam's bias correction); decay
   says whether weight decay applies to P.  Nothing may alias. */
void optim_update(const OptConf *c, Mat *P, const Mat *G, double scale, Mat *S, Mat *T,
                double t, int decay);

#endif
