package dev.attune.training;

/**
 * Logistic regression fitted to convergence by L-BFGS, as scikit-learn's {@code LogisticRegression(C=1.0)} (lbfgs,
 * L2 on the weights, none on the intercepts) fits SetFit's head. Three classes or more: multinomial, minimising
 * (1/N) Σᵢ −log softmax(W xᵢ + b)[yᵢ] + ‖W‖² / (2 C N), the same minimiser as sklearn's C Σᵢ CEᵢ + ½ ‖W‖². Two
 * classes: as sklearn, one weight vector w and the binary loss (1/N) Σᵢ log(1 + e^(−sᵢ(w·xᵢ + b))) + ‖w‖² / (2 C N)
 * (sᵢ = ±1); a multinomial fit of two classes would be regularised half as much (‖W‖² of (−w/2, w/2) is ‖w‖²/2).
 * The binary fit is returned as the two rows (−w/2, w/2), biases (−b/2, b/2), whose softmax is σ(w·x + b). On the
 * host in doubles: a few hundred embeddings of a few hundred dimensions.
 */
final class LogisticRegression {

    /** The fitted head: weight (C × H), bias (C), and how the optimisation ended. */
    record Fit(double[][] weight, double[] bias, int iterations, double objective, double gradientNorm) {
    }

    static final int MAX_ITERATIONS = 2000;
    static final double GRADIENT_TOLERANCE = 1e-7;
    private static final int MEMORY = 10;

    private final double[][] x;
    private final int[] y;
    private final int classes;
    /** Weight vectors fitted: one for two classes (the binary loss), else one per class. */
    private final int rows;
    private final int dims;
    private final double penalty;

    private LogisticRegression(double[][] x, int[] y, int classes, double c) {
        this.x = x;
        this.y = y;
        this.classes = classes;
        this.rows = classes == 2 ? 1 : classes;
        this.dims = x[0].length;
        this.penalty = 1 / (c * x.length); // the mean loss's share of ½‖W‖²/C
    }

    /** Fits the head on embeddings {@code x} (N × H) and label ids {@code y}; {@code c} is sklearn's inverse strength. */
    static Fit fit(double[][] x, int[] y, int classes, double c) {
        return new LogisticRegression(x, y, classes, c).minimise();
    }

    /** The objective at theta (W row-major, then b); its gradient written into {@code gradient}. */
    double objective(double[] theta, double[] gradient) {
        java.util.Arrays.fill(gradient, 0);
        double loss = rows == 1 ? binaryLoss(theta, gradient) : multinomialLoss(theta, gradient);
        for (int w = 0; w < rows * dims; w++) {
            loss += 0.5 * penalty * theta[w] * theta[w];
            gradient[w] += penalty * theta[w];
        }
        return loss;
    }

    /** (1/N) Σ log(1 + e^(−s z)) with z = w·x + b, s = ±1 (label 1 is the positive class), and its gradient. */
    private double binaryLoss(double[] theta, double[] gradient) {
        double loss = 0;
        int n = x.length;
        for (int i = 0; i < n; i++) {
            double z = theta[dims];
            for (int d = 0; d < dims; d++) {
                z += theta[d] * x[i][d];
            }
            double margin = y[i] == 1 ? z : -z;
            loss += (margin > 0 ? Math.log1p(Math.exp(-margin)) : -margin + Math.log1p(Math.exp(margin))) / n;
            double residual = (1 / (1 + Math.exp(-z)) - y[i]) / n; // (σ(z) − y) / N
            for (int d = 0; d < dims; d++) {
                gradient[d] += residual * x[i][d];
            }
            gradient[dims] += residual;
        }
        return loss;
    }

    private double multinomialLoss(double[] theta, double[] gradient) {
        double loss = 0;
        double[] logits = new double[classes];
        int n = x.length;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                double z = theta[classes * dims + k];
                for (int d = 0; d < dims; d++) {
                    z += theta[k * dims + d] * x[i][d];
                }
                logits[k] = z;
                max = Math.max(max, z);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(logits[k] - max);
            }
            loss += (max + Math.log(sum) - logits[y[i]]) / n;
            for (int k = 0; k < classes; k++) {
                double residual = (Math.exp(logits[k] - max) / sum - (k == y[i] ? 1 : 0)) / n; // (p − onehot) / N
                for (int d = 0; d < dims; d++) {
                    gradient[k * dims + d] += residual * x[i][d];
                }
                gradient[classes * dims + k] += residual;
            }
        }
        return loss;
    }

    /** L-BFGS (two-loop recursion, memory 10) with a backtracking Armijo line search, from zero weights. */
    private Fit minimise() {
        int size = rows * dims + rows;
        double[] theta = new double[size];
        double[] gradient = new double[size];
        double value = objective(theta, gradient);
        double[][] s = new double[MEMORY][];
        double[][] g = new double[MEMORY][];
        double[] rho = new double[MEMORY];
        int stored = 0;
        int iteration = 0;
        double[] nextGradient = new double[size];
        while (iteration < MAX_ITERATIONS && norm(gradient) > GRADIENT_TOLERANCE) {
            iteration++;
            double[] direction = gradient.clone();
            double[] alpha = new double[MEMORY];
            for (int m = stored - 1; m >= 0; m--) {
                alpha[m] = rho[m] * dot(s[m], direction);
                axpy(-alpha[m], g[m], direction);
            }
            double scale = stored == 0 ? 1 / Math.max(1e-12, norm(gradient)) : dot(s[stored - 1], g[stored - 1])
                    / dot(g[stored - 1], g[stored - 1]);
            for (int i = 0; i < size; i++) {
                direction[i] *= scale;
            }
            for (int m = 0; m < stored; m++) {
                double beta = rho[m] * dot(g[m], direction);
                axpy(alpha[m] - beta, s[m], direction);
            }
            for (int i = 0; i < size; i++) {
                direction[i] = -direction[i]; // the two-loop recursion gives H·∇f: descend along its negation
            }
            double slope = dot(gradient, direction);
            if (slope >= 0) { // not a descent direction: restart from steepest descent
                stored = 0;
                direction = gradient.clone();
                for (int i = 0; i < size; i++) {
                    direction[i] = -direction[i] / Math.max(1e-12, norm(gradient));
                }
                slope = dot(gradient, direction);
            }
            double step = 1;
            double[] candidate = new double[size];
            double next;
            while (true) {
                for (int i = 0; i < size; i++) {
                    candidate[i] = theta[i] + step * direction[i];
                }
                next = objective(candidate, nextGradient);
                if (next <= value + 1e-4 * step * slope || step < 1e-20) {
                    break;
                }
                step /= 2;
            }
            double[] sNew = new double[size];
            double[] gNew = new double[size];
            for (int i = 0; i < size; i++) {
                sNew[i] = candidate[i] - theta[i];
                gNew[i] = nextGradient[i] - gradient[i];
            }
            double curvature = dot(sNew, gNew);
            boolean stalled = value - next <= 1e-15 * Math.max(1, Math.abs(value));
            theta = candidate;
            value = next;
            System.arraycopy(nextGradient, 0, gradient, 0, size);
            if (curvature > 1e-12) {
                if (stored == MEMORY) {
                    System.arraycopy(s, 1, s, 0, MEMORY - 1);
                    System.arraycopy(g, 1, g, 0, MEMORY - 1);
                    System.arraycopy(rho, 1, rho, 0, MEMORY - 1);
                    stored--;
                }
                s[stored] = sNew;
                g[stored] = gNew;
                rho[stored] = 1 / curvature;
                stored++;
            }
            if (stalled) {
                break;
            }
        }
        double[][] weight = new double[classes][dims];
        double[] bias = new double[classes];
        if (rows == 1) { // (−w/2, w/2): the softmax of the two logits is σ(w·x + b)
            for (int d = 0; d < dims; d++) {
                weight[0][d] = -theta[d] / 2;
                weight[1][d] = theta[d] / 2;
            }
            bias[0] = -theta[dims] / 2;
            bias[1] = theta[dims] / 2;
        } else {
            for (int k = 0; k < classes; k++) {
                System.arraycopy(theta, k * dims, weight[k], 0, dims);
                bias[k] = theta[classes * dims + k];
            }
        }
        return new Fit(weight, bias, iteration, value, norm(gradient));
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    /** y += a x */
    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }
}
