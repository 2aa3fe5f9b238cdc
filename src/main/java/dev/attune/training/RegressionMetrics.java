package dev.attune.training;

/**
 * Evaluation figures for a regression (one predicted value per text).
 *
 * @param loss mean squared error
 * @param mae mean absolute error
 * @param rmse root mean squared error
 * @param pearson Pearson correlation of predictions and targets (0 when either is constant)
 * @param spearman Spearman rank correlation (ties share their average rank)
 * @param count texts scored
 */
public record RegressionMetrics(double loss, double mae, double rmse, double pearson, double spearman, int count)
        implements EvaluationMetrics {

    public static RegressionMetrics of(float[] predicted, float[] targets) {
        int n = predicted.length;
        double squared = 0;
        double absolute = 0;
        for (int i = 0; i < n; i++) {
            double error = predicted[i] - targets[i];
            squared += error * error;
            absolute += Math.abs(error);
        }
        double mse = n == 0 ? 0 : squared / n;
        double[] p = new double[n];
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = predicted[i];
            t[i] = targets[i];
        }
        return new RegressionMetrics(mse, n == 0 ? 0 : absolute / n, Math.sqrt(mse), pearson(p, t),
                pearson(ClassificationMetrics.ranks(predicted), ClassificationMetrics.ranks(targets)), n);
    }

    static double pearson(double[] x, double[] y) {
        int n = x.length;
        if (n < 2) {
            return 0;
        }
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < n; i++) {
            meanX += x[i] / n;
            meanY += y[i] / n;
        }
        double covariance = 0;
        double varianceX = 0;
        double varianceY = 0;
        for (int i = 0; i < n; i++) {
            covariance += (x[i] - meanX) * (y[i] - meanY);
            varianceX += (x[i] - meanX) * (x[i] - meanX);
            varianceY += (y[i] - meanY) * (y[i] - meanY);
        }
        return varianceX == 0 || varianceY == 0 ? 0 : covariance / Math.sqrt(varianceX * varianceY);
    }

    @Override
    public double score(TrainingOptions.MetricForBest metric) {
        return switch (metric) {
            case LOSS -> -loss;
            case MAE -> -mae;
            case RMSE -> -rmse;
            case PEARSON -> pearson;
            case SPEARMAN -> spearman;
            case ACCURACY, F1_MACRO, F1_MICRO -> Double.NaN;
        };
    }

    @Override
    public String summary() {
        return "MSE %.4f, MAE %.4f, RMSE %.4f, Pearson %.4f, Spearman %.4f".formatted(loss, mae, rmse, pearson, spearman);
    }
}
