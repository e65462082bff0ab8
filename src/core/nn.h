/*
 * nn.h -- neural-network kernels: linear layers, activations and losses.
 *
 * Pure C on Mat (mat.h), nothing here knows about Lua.  The conventions are
 * the lecture's: data points are columns (a batch A is m x b), a layer has
 * W (m x n) and W0 (n x 1) and computes Z = W^T A + W0 (n x b); derivatives
 * of a scalar loss have the shape of what they are taken with respect to.
 * Callers check shapes first; kernels assume they agree and return MAT_OK,
 * or MAT_EINTR when mat_interrupted asked them to stop.
 */
#ifndef NNLAB_NN_H
#define NNLAB_NN_H

#include <float.h>

#include "mat.h"

/* ---- linear layer ---- */

/* Z (n x b) = W^T A + W0.  Z must not alias the others. */
int nn_linear_forward(Mat *Z, const Mat *W, const Mat *W0, const Mat *A);
/* dLdW (m x n) = A dLdZ^T, dLdW0 (n x 1) = row sums of dLdZ,
   dLdA (m x b) = W dLdZ (skipped when dLdA is NULL).  No aliasing. */
int nn_linear_backward(Mat *dLdW, Mat *dLdW0, Mat *dLdA, const Mat *W,
                       const Mat *A, const Mat *dLdZ);
/* The same with A given as storage with row stride lda (m rows of b
   numbers): a view of neighbouring columns of a bigger matrix. */
int nn_linear_forward_at(Mat *Z, const Mat *W, const Mat *W0, const double *A, size_t lda);
int nn_linear_backward_at(Mat *dLdW, Mat *dLdW0, Mat *dLdA, const Mat *W,
                          const double *A, size_t lda, const Mat *dLdZ);
/* P = P - lr * G elementwise (numpy's W - lrate*dLdW, rounding included). */
int nn_sgd_update(Mat *P, const Mat *G, double lr);

/* ---- activations ---- */

typedef enum {
  NN_STEP, NN_SIGMOID, NN_TANH, NN_RELU, NN_LEAKYRELU, NN_IDENTITY, NN_SOFTMAX
} NnAct;

const char *nn_act_name(NnAct k);
/* A = f(Z), same shape; elementwise except SoftMax (column by column).
   A may alias Z. */
int nn_act_forward(NnAct k, double alpha, Mat *A, const Mat *Z);
/* dLdZ from dLdA, given the Z and A = f(Z) of the forward pass (all the same
   shape).  Elementwise: dLdZ = f'(Z) .* dLdA; SoftMax: per column the
   Jacobian-vector product a .* (g - a.g).  dLdZ may alias dLdA. */
int nn_act_backward(NnAct k, double alpha, Mat *dLdZ, const Mat *Z, const Mat *A,
                    const Mat *dLdA);
/* J (n x n) = dA/dZ at one column z (n x 1), the lecture's layout: entry
   (j, k) = dA_k / dZ_j.  Diagonal except for SoftMax. */
void nn_act_jacobian(NnAct k, double alpha, Mat *J, const Mat *z);

/* ---- losses ---- */

typedef enum {
  NN_SQUARED, NN_NLL, NN_NLLM, NN_HINGE, NN_ZEROONE, NN_ASYMMETRIC
} NnLossKind;

typedef struct NnLoss {
  NnLossKind kind;
  double threshold;    /* ZeroOne, Asymmetric with one row: positive iff g >= threshold */
  double c_fp, c_fn;   /* Asymmetric: cost of a false positive / false negative */
} NnLoss;

/* A probability p below NN_PROB_MIN (exactly 0, or subnormal) is read as
   NN_PROB_MIN inside log and 1/p, so a confident wrong prediction costs at most
   -log(DBL_MIN) = 708.4 per unit of label instead of infinity.  Terms whose
   label coefficient is 0 are skipped (no 0 * log 0). */
#define NN_PROB_MIN DBL_MIN

const char *nn_loss_name(NnLossKind k);
/* The loss of predictions G against labels Y (same shape), summed over the
   batch (and over outputs).  NaN anywhere in G gives NaN. */
int nn_loss_forward(const NnLoss *l, const Mat *G, const Mat *Y, double *loss);
/* dLdG (same shape as G) for Squared, NLL, NLLM, Hinge. */
int nn_loss_backward(const NnLoss *l, Mat *dLdG, const Mat *G, const Mat *Y);
/* The fused paths from logits Z: NLL after Sigmoid, NLLM after SoftMax.
   loss by log-sum-exp / softplus (finite and accurate for any finite Z),
   G = the activation of Z, dLdZ the true derivative for any Y: G - Y for
   NLL (exact for any y), G * (the column's sum of Y) - Y for NLLM (G - Y
   to the bit when the column sums to 1).  G and dLdZ may be NULL. */
int nn_loss_logits(NnLossKind k, const Mat *Z, const Mat *Y, double *loss, Mat *G,
                   Mat *dLdZ);
/* Hinge labels must be -1 or +1: the row-major index of the first that is
   not, or -1 when all are. */
long nn_hinge_bad_label(const Mat *Y);

#endif
