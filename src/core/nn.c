/*
 * nn.c -- neural-network kernels: linear layers, activations and losses.
 * See nn.h for the conventions.
 */
#include <math.h>
#include <stddef.h>

#include "nn.h"

/* Elementwise loops poll mat_interrupted once per block. */
#define BLOCK 65536

/* ---- linear layer ---- */

/* Z = W^T a + W0 for one column a (a[i * lda], i < m) that mat_gemm would
   compute as a small product: the same operations in the same order (z[j]
   sums its products over i in increasing order, then adds the bias), so
   the same bits, without going through the general product. */
static void forward_col(double *restrict z, const Mat *W, const double *w0, const double *a,
                        size_t lda) {
  int i, j, m = W->rows, n = W->cols;
  for (j = 0; j < n; j++)
    z[j] = W->v[j] * a[0];
  for (i = 1; i < m; i++) {
    const double *w = W->v + (size_t)i * n;
    double ai = a[i * lda];
    for (j = 0; j < n; j++)
      z[j] += w[j] * ai;
  }
  for (j = 0; j < n; j++)
    z[j] += w0[j];
}

int nn_linear_forward_at(Mat *Z, const Mat *W, const Mat *W0, const double *A, size_t lda) {
  if (Z->cols == 1 && W->rows > 0 && (size_t)W->rows * (size_t)W->cols <= MAT_SMALL_MATMUL) {
    forward_col(Z->v, W, W0->v, A, lda);
    return MAT_OK;
  }
  if (mat_gemm(Z->rows, Z->cols, W->rows, W->v, (size_t)W->cols, 1, A, lda, 0, Z->v,
               (size_t)Z->cols) != MAT_OK) return MAT_EINTR;
  mat_binop_col(Z, Z, W0, MAT_ADD);
  return MAT_OK;
}

int nn_linear_forward(Mat *Z, const Mat *W, const Mat *W0, const Mat *A) {
  return nn_linear_forward_at(Z, W, W0, A->v, (size_t)A->cols);
}

int nn_linear_backward_at(Mat *dLdW, Mat *dLdW0, Mat *dLdA, const Mat *W,
                          const double *A, size_t lda, const Mat *dLdZ) {
  if (mat_gemm(dLdW->rows, dLdW->cols, dLdZ->cols, A, lda, 0, dLdZ->v, (size_t)dLdZ->cols, 1,
               dLdW->v, (size_t)dLdW->cols) != MAT_OK) return MAT_EINTR;
  mat_reduce_axis(dLdW0, dLdZ, 2, MAT_SUM);
  if (dLdA != NULL && mat_matmul(dLdA, W, 0, dLdZ, 0) != MAT_OK) return MAT_EINTR;
  return MAT_OK;
}

int nn_linear_backward(Mat *dLdW, Mat *dLdW0, Mat *dLdA, const Mat *W,
                       const Mat *A, const Mat *dLdZ) {
  return nn_linear_backward_at(dLdW, dLdW0, dLdA, W, A->v, (size_t)A->cols, dLdZ);
}

int nn_sgd_update(Mat *P, const Mat *G, double lr) {
  size_t n = mat_len(P);
  for (size_t start = 0; start < n; start += BLOCK) {
    size_t end = n - start > BLOCK ? start + BLOCK : n;
    if (mat_interrupted) return MAT_EINTR;
    for (size_t i = start; i < end; i++)
      P->v[i] = P->v[i] - lr * G->v[i];
  }
  return MAT_OK;
}

/* ---- activations ---- */

const char *nn_act_name(NnAct k) {
  switch (k) {
    case NN_STEP: return "Step";
    case NN_SIGMOID: return "Sigmoid";
    case NN_TANH: return "Tanh";
    case NN_RELU: return "ReLU";
    case NN_LEAKYRELU: return "LeakyReLU";
    case NN_IDENTITY: return "Identity";
    case NN_SOFTMAX: return "SoftMax";
  }
  return "?";
}

/* 1 / (1 + e^-z) without overflow: e^z / (1 + e^z) for negative z. */
static double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + exp(-z));
  double e = exp(z);
  return e / (1.0 + e);  /* also NaN for NaN */
}

/* The comparisons below are written so that NaN falls through to an
   expression that stays NaN: fmax(z, 0) would turn a NaN into 0. */
static double act(NnAct k, double alpha, double z) {
  switch (k) {
    case NN_STEP: return z >= 0 ? 1.0 : z < 0 ? 0.0 : z;
    case NN_SIGMOID: return sigmoid(z);
    case NN_TANH: return tanh(z);
    case NN_RELU: return z > 0 ? z : z <= 0 ? 0.0 : z;
    case NN_LEAKYRELU: return z > 0 ? z : alpha * z;
    case NN_IDENTITY: case NN_SOFTMAX: break;
  }
  return z;
}

/* f'(z) given z and a = f(z).  Step: 0 everywhere, at z = 0 too (where it has
   no derivative); ReLU: 0 at z = 0; LeakyReLU: alpha at z = 0.  NaN in, NaN
   out, so that a NaN stays visible in the gradients. */
static double deriv(NnAct k, double alpha, double z, double a) {
  switch (k) {
    case NN_STEP: return z == z ? 0.0 : z;
    case NN_SIGMOID: return a * (1.0 - a);
    case NN_TANH: return 1.0 - a * a;
    case NN_RELU: return z > 0 ? 1.0 : z <= 0 ? 0.0 : z;
    case NN_LEAKYRELU: return z > 0 ? 1.0 : z <= 0 ? alpha : z;
    case NN_IDENTITY: case NN_SOFTMAX: break;
  }
  return z == z ? 1.0 : z;
}

/* a = softmax(z) for one column of n entries at stride s: subtract the
   column's maximum first, so no exp overflows.  Returns the sum of the
   shifted exponentials and stores the maximum in *max (for log-sum-exp).
   A NaN anywhere in the column makes the whole column NaN. */
static double softmax_col(double *a, const double *z, int n, size_t s, double *max) {
  double m = n > 0 ? z[0] : 0.0, sum = 0.0;
  for (int i = 1; i < n; i++)
    if (z[i * s] > m || z[i * s] != z[i * s]) m = z[i * s];
  if (m != m) {  /* a NaN in the column */
    if (a)
      for (int i = 0; i < n; i++) a[i * s] = m;
    *max = m;
    return m;
  }
  for (int i = 0; i < n; i++) {
    double e = exp(z[i * s] - m);
    if (a) a[i * s] = e;
    sum += e;
  }
  if (a)
    for (int i = 0; i < n; i++) a[i * s] /= sum;
  *max = m;
  return sum;
}

/* a[i] = f(z[i]) for i < n: act() written out once per kind, so that the
   loops of the piecewise-linear ones vectorise.  a may alias z. */
static void act_block(NnAct k, double alpha, double *a, const double *z, size_t n) {
  size_t i;
  switch (k) {
    case NN_STEP:
      for (i = 0; i < n; i++) a[i] = z[i] >= 0 ? 1.0 : z[i] < 0 ? 0.0 : z[i];
      break;
    case NN_SIGMOID:
      for (i = 0; i < n; i++) a[i] = sigmoid(z[i]);
      break;
    case NN_TANH:
      for (i = 0; i < n; i++) a[i] = tanh(z[i]);
      break;
    case NN_RELU:
      for (i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : z[i] <= 0 ? 0.0 : z[i];
      break;
    case NN_LEAKYRELU:
      for (i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : alpha * z[i];
      break;
    case NN_IDENTITY: case NN_SOFTMAX:
      for (i = 0; i < n; i++) a[i] = z[i];
      break;
  }
}

/* The gradient through an elementwise activation with derivative d and
   incoming gradient g: where d is 0 the result is +0 (not -0, and not NaN
   for an infinite g), but a NaN g stays NaN. */
static double through(double d, double g) {
  return d == 0 ? (g != g ? g : 0.0) : g * d;
}

/* dz[i] = through(f'(z[i]), g[i]) for i < n, deriv() written out once per
   kind.  dz may alias g. */
static void grad_block(NnAct k, double alpha, double *dz, const double *z, const double *a,
                       const double *g, size_t n) {
  size_t i;
  switch (k) {
    case NN_STEP:
      for (i = 0; i < n; i++) dz[i] = through(z[i] == z[i] ? 0.0 : z[i], g[i]);
      break;
    case NN_SIGMOID:
      for (i = 0; i < n; i++) dz[i] = through(a[i] * (1.0 - a[i]), g[i]);
      break;
    case NN_TANH:
      for (i = 0; i < n; i++) dz[i] = through(1.0 - a[i] * a[i], g[i]);
      break;
    case NN_RELU:
      for (i = 0; i < n; i++) dz[i] = through(z[i] > 0 ? 1.0 : z[i] <= 0 ? 0.0 : z[i], g[i]);
      break;
    case NN_LEAKYRELU:
      for (i = 0; i < n; i++) dz[i] = through(z[i] > 0 ? 1.0 : z[i] <= 0 ? alpha : z[i], g[i]);
      break;
    case NN_IDENTITY: case NN_SOFTMAX:
      for (i = 0; i < n; i++) dz[i] = through(z[i] == z[i] ? 1.0 : z[i], g[i]);
      break;
  }
}

int nn_act_forward(NnAct k, double alpha, Mat *A, const Mat *Z) {
  if (k == NN_SOFTMAX) {
    size_t b = (size_t)Z->cols;
    double m;
    for (size_t j = 0; j < b; j++) {
      if ((j & 1023) == 0 && mat_interrupted) return MAT_EINTR;
      softmax_col(A->v + j, Z->v + j, Z->rows, b, &m);
    }
    return MAT_OK;
  }
  size_t n = mat_len(Z);
  for (size_t start = 0; start < n; start += BLOCK) {
    size_t end = n - start > BLOCK ? start + BLOCK : n;
    if (mat_interrupted) return MAT_EINTR;
    act_block(k, alpha, A->v + start, Z->v + start, end - start);
  }
  return MAT_OK;
}

int nn_act_backward(NnAct k, double alpha, Mat *dLdZ, const Mat *Z, const Mat *A,
                    const Mat *dLdA) {
  if (k == NN_SOFTMAX) {
    /* dL/dz_j = sum_k (dA_k/dz_j) g_k = a_j (g_j - sum_k a_k g_k) */
    size_t b = (size_t)A->cols;
    for (size_t j = 0; j < b; j++) {
      if ((j & 1023) == 0 && mat_interrupted) return MAT_EINTR;
      const double *a = A->v + j, *g = dLdA->v + j;
      double dot = 0.0;
      for (int i = 0; i < A->rows; i++) dot += a[i * b] * g[i * b];
      for (int i = 0; i < A->rows; i++)
        dLdZ->v[i * b + j] = a[i * b] * (g[i * b] - dot);
    }
    return MAT_OK;
  }
  size_t n = mat_len(Z);
  for (size_t start = 0; start < n; start += BLOCK) {
    size_t end = n - start > BLOCK ? start + BLOCK : n;
    if (mat_interrupted) return MAT_EINTR;
    grad_block(k, alpha, dLdZ->v + start, Z->v + start, A->v + start, dLdA->v + start,
               end - start);
  }
  return MAT_OK;
}

void nn_act_jacobian(NnAct k, double alpha, Mat *J, const Mat *z) {
  int n = z->rows;
  mat_fill(J, 0.0);
  if (k == NN_SOFTMAX) {
    /* dA_k/dz_j = a_k (delta_jk - a_j).  a = softmax(z) is computed in
       place on J's diagonal (stride n + 1), then read from there. */
    size_t d = (size_t)n + 1;
    double m;
    for (int i = 0; i < n; i++) J->v[i * d] = z->v[i];
    softmax_col(J->v, J->v, n, d, &m);
    for (int j = 0; j < n; j++)
      for (int c = 0; c < n; c++)
        if (c != j) J->v[(size_t)j * n + c] = -J->v[c * d] * J->v[j * d];
    for (int j = 0; j < n; j++) J->v[j * d] = J->v[j * d] * (1.0 - J->v[j * d]);
    return;
  }
  for (int i = 0; i < n; i++) {
    double zi = z->v[i];
    J->v[(size_t)i * n + i] = deriv(k, alpha, zi, act(k, alpha, zi));
  }
}

/* ---- losses ---- */

const char *nn_loss_name(NnLossKind k) {
  switch (k) {
    case NN_SQUARED: return "Squared";
    case NN_NLL: return "NLL";
    case NN_NLLM: return "NLLM";
    case NN_HINGE: return "Hinge";
    case NN_ZEROONE: return "ZeroOne";
    case NN_ASYMMETRIC: return "Asymmetric";
  }
  return "?";
}

/* p, or NN_PROB_MIN for 0 <= p < NN_PROB_MIN; NaN and negatives pass through
   (log of a negative "probability" is NaN: visible, as it should be). */
static double clamp_prob(double p) {
  return (p >= 0 && p < NN_PROB_MIN) ? NN_PROB_MIN : p;
}

/* -(c log p), or 0 when the coefficient c is 0 (whatever p is). */
static double nlog(double c, double p) {
  return c == 0 ? 0.0 : -c * log(clamp_prob(p));
}

/* The index (0-based) of the first maximum of a column, or -1 if it holds a
   NaN. */
static long argmax_col(const double *x, int n, size_t s) {
  long best = 0;
  for (int i = 0; i < n; i++) {
    if (x[i * s] != x[i * s]) return -1;
    if (x[i * s] > x[best * s]) best = i;
  }
  return best;
}

/* ZeroOne and Asymmetric: how a column becomes a label.  One row: positive
   iff g >= threshold; the true label is positive iff y > 0 (so 0/1 and -1/+1
   labels both work).  Two or more rows: the class is the first maximum of the
   column; for Asymmetric (two rows) class 2 is the positive one.  Returns
   NaN when a prediction is NaN. */
static double zero_one(const NnLoss *l, const Mat *G, const Mat *Y) {
  size_t b = (size_t)G->cols;
  double loss = 0.0;
  for (size_t j = 0; j < b; j++) {
    int pred_pos, true_pos;
    if (G->rows == 1) {
      double g = G->v[j];
      if (g != g) return g;
      pred_pos = g >= l->threshold;
      true_pos = Y->v[j] > 0;
    } else {
      long pc = argmax_col(G->v + j, G->rows, b), tc = argmax_col(Y->v + j, Y->rows, b);
      if (pc < 0) return NAN;
      if (l->kind == NN_ZEROONE) {
        loss += pc != tc;
        continue;
      }
      pred_pos = pc == 1;
      true_pos = tc == 1;
    }
    if (pred_pos == true_pos) continue;
    if (l->kind == NN_ZEROONE) loss += 1.0;
    else loss += pred_pos ? l->c_fp : l->c_fn;
  }
  return loss;
}

int nn_loss_forward(const NnLoss *l, const Mat *G, const Mat *Y, double *loss) {
  size_t n = mat_len(G);
  double sum = 0.0;
  if (l->kind == NN_ZEROONE || l->kind == NN_ASYMMETRIC) {
    *loss = zero_one(l, G, Y);
    return MAT_OK;
  }
  for (size_t start = 0; start < n; start += BLOCK) {
    size_t end = n - start > BLOCK ? start + BLOCK : n;
    if (mat_interrupted) return MAT_EINTR;
    for (size_t i = start; i < end; i++) {
      double g = G->v[i], y = Y->v[i], d, m;
      switch (l->kind) {
        case NN_SQUARED: d = g - y; sum += d * d; break;
        case NN_NLL:
          sum += nlog(y, g) + nlog(1.0 - y, 1.0 - g);
          if (g != g) sum += g;  /* both coefficients 0: keep the NaN */
          break;
        case NN_NLLM:
          sum += nlog(y, g);
          if (g != g) sum += g;
          break;
        case NN_HINGE:
          m = 1.0 - y * g;
          sum += m > 0 ? m : m <= 0 ? 0.0 : m;
          break;
        case NN_ZEROONE: case NN_ASYMMETRIC: break;
      }
    }
  }
  *loss = sum;
  return MAT_OK;
}

int nn_loss_backward(const NnLoss *l, Mat *dLdG, const Mat *G, const Mat *Y) {
  size_t n = mat_len(G);
  for (size_t start = 0; start < n; start += BLOCK) {
    size_t end = n - start > BLOCK ? start + BLOCK : n;
    if (mat_interrupted) return MAT_EINTR;
    for (size_t i = start; i < end; i++) {
      double g = G->v[i], y = Y->v[i], d = 0.0, m;
      switch (l->kind) {
        case NN_SQUARED: d = 2.0 * (g - y); break;
        case NN_NLL:
          /* -y/g + (1-y)/(1-g), each term skipped when its label is 0 */
          if (y != 0) d -= y / clamp_prob(g);
          if (1.0 - y != 0) d += (1.0 - y) / clamp_prob(1.0 - g);
          if (g != g) d = g;
          break;
        case NN_NLLM:
          if (y != 0) d = -y / clamp_prob(g);
          if (g != g) d = g;
          break;
        case NN_HINGE:
          m = 1.0 - y * g;  /* 0 on the kink m = 0 */
          d = m > 0 ? -y : m <= 0 ? 0.0 : m;
          break;
        case NN_ZEROONE: case NN_ASYMMETRIC: break;
      }
      dLdG->v[i] = d;
    }
  }
  return MAT_OK;
}

/* log(1 + e^x) without overflow or loss of accuracy. */
static double softplus(double x) {
  return (x > 0 ? x : 0.0) + log1p(exp(-fabs(x)));
}

int nn_loss_logits(NnLossKind k, const Mat *Z, const Mat *Y, double *loss, Mat *G,
                   Mat *dLdZ) {
  size_t b = (size_t)Z->cols;
  double sum = 0.0;
  if (k == NN_NLL) {
    /* -(y log s(z) + (1-y) log(1 - s(z))) = y softplus(-z) + (1-y) softplus(z) */
    size_t n = mat_len(Z);
    for (size_t start = 0; start < n; start += BLOCK) {
      size_t end = n - start > BLOCK ? start + BLOCK : n;
      if (mat_interrupted) return MAT_EINTR;
      for (size_t i = start; i < end; i++) {
        double z = Z->v[i], y = Y->v[i], g = sigmoid(z);
        if (y != 0) sum += y * softplus(-z);
        if (1.0 - y != 0) sum += (1.0 - y) * softplus(z);
        if (z != z) sum += z;
        if (G) G->v[i] = g;
        if (dLdZ) dLdZ->v[i] = g - y;
      }
    }
  } else {
    /* per column: sum_k y_k (logsumexp(z) - z_k) */
    int n = Z->rows;
    for (size_t j = 0; j < b; j++) {
      if ((j & 1023) == 0 && mat_interrupted) return MAT_EINTR;
      const double *z = Z->v + j, *y = Y->v + j;
      double m, s = softmax_col(G ? G->v + j : NULL, z, n, b, &m);
      double lse = m + log(s), ysum = 0.0;
      for (int i = 0; i < n; i++) ysum += y[i * b];
      for (int i = 0; i < n; i++) {
        double yi = y[i * b], zi = z[i * b];
        if (yi != 0) sum += yi * (lse - zi);
        if (zi != zi) sum += zi;
        /* dL/dz_i = a_i sum_k y_k - y_i: A - Y to the bit when the column
           sums to 1 (one-hot: a_i * 1.0 is a_i), and the true derivative
           for any other column (0 for a column of zeros, as the loss) */
        if (dLdZ) dLdZ->v[i * b + j] = exp(zi - m) / s * ysum - yi;
      }
    }
  }
  *loss = sum;
  return MAT_OK;
}

long nn_hinge_bad_label(const Mat *Y) {
  size_t n = mat_len(Y);
  for (size_t i = 0; i < n; i++)
    if (Y->v[i] != 1.0 && Y->v[i] != -1.0) return (long)i;
  return -1;
}
