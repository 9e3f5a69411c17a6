package io.github.diffqp.examples;

/** The Adam optimizer (Kingma &amp; Ba, 2015) over one flat parameter array, updated in place. */
public final class Adam {
    private final double learningRate, beta1, beta2, epsilon;
    private final double[] firstMoment, secondMoment;
    private int steps;

    /** Adam with the usual β₁ = 0.9, β₂ = 0.999, ε = 1e-8. */
    public Adam(int size, double learningRate) {
        this(size, learningRate, 0.9, 0.999, 1e-8);
    }

    public Adam(int size, double learningRate, double beta1, double beta2, double epsilon) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.firstMoment = new double[size];
        this.secondMoment = new double[size];
    }

    /** One step: {@code params -= lr · m̂ / (√v̂ + ε)} from the gradient. */
    public void step(double[] params, double[] gradient) {
        steps++;
        double c1 = 1 - Math.pow(beta1, steps), c2 = 1 - Math.pow(beta2, steps);
        for (int k = 0; k < params.length; k++) {
            double g = gradient[k];
            firstMoment[k] = beta1 * firstMoment[k] + (1 - beta1) * g;
            secondMoment[k] = beta2 * secondMoment[k] + (1 - beta2) * g * g;
            params[k] -= learningRate * (firstMoment[k] / c1) / (Math.sqrt(secondMoment[k] / c2) + epsilon);
        }
    }
}
