using MathNet.Numerics.LinearAlgebra;

namespace Autoencoder;

/// <summary>
/// Principal component analysis, the linear baseline of the paper: the leading eigenvectors of the training images'
/// covariance (MathNet's symmetric eigen-solver), the code of an image its projection on them.
/// </summary>
internal sealed class Pca
{
    private readonly double[] _mean;

    /// <summary>[features, components]: the components as columns, the largest variance first.</summary>
    private readonly Matrix<double> _components;

    private Pca(double[] mean, Matrix<double> components)
    {
        _mean = mean;
        _components = components;
    }

    public int Components => _components.ColumnCount;

    /// <summary>The <paramref name="components"/> leading components of <paramref name="samples"/> [n, features].</summary>
    public static Pca Fit(float[] samples, int features, int components)
    {
        int count = samples.Length / features;
        var mean = new double[features];
        for (int i = 0; i < samples.Length; i++)
        {
            mean[i % features] += samples[i];
        }
        for (int j = 0; j < features; j++)
        {
            mean[j] /= count;
        }

        // Σ (x − μ)(x − μ)ᵀ, a block of rows at a time: [block, features]ᵀ · [block, features].
        const int Block = 2000;
        Matrix<double> covariance = Matrix<double>.Build.Dense(features, features);
        for (int start = 0; start < count; start += Block)
        {
            int rows = Math.Min(Block, count - start);
            Matrix<double> centred = Matrix<double>.Build.Dense(rows, features, (i, j) => samples[(start + i) * features + j] - mean[j]);
            covariance += centred.TransposeThisAndMultiply(centred);
        }
        covariance /= count;

        // A symmetric matrix's eigenvalues come in ascending order: the last columns are the leading components.
        Matrix<double> vectors = covariance.Evd(Symmetricity.Symmetric).EigenVectors;
        Matrix<double> leading = Matrix<double>.Build.Dense(features, components, (i, j) => vectors[i, features - 1 - j]);
        return new Pca(mean, leading);
    }

    /// <summary>The codes [n, Components] of <paramref name="samples"/> [n, features].</summary>
    public Matrix<double> Encode(float[] samples)
    {
        int features = _mean.Length;
        Matrix<double> centred = Matrix<double>.Build.Dense(samples.Length / features, features, (i, j) => samples[i * features + j] - _mean[j]);
        return centred * _components;
    }

    /// <summary>The reconstructions [n, features] of codes [n, Components], as floats.</summary>
    public float[] Decode(Matrix<double> codes)
    {
        Matrix<double> centred = codes.TransposeAndMultiply(_components);
        int features = _mean.Length;
        var reconstructions = new float[codes.RowCount * features];
        for (int i = 0; i < codes.RowCount; i++)
        {
            for (int j = 0; j < features; j++)
            {
                reconstructions[i * features + j] = (float)(centred[i, j] + _mean[j]);
            }
        }
        return reconstructions;
    }
}
