using NetGen.Data;
using NetGen.Kernels;
using NetGen.Optimizers;
using NetGen.Training;

namespace NetGen;

/// <summary>How <see cref="Model.Pretrain"/> trains each hidden layer on its own.</summary>
public enum PretrainingMethod
{
    /// <summary>As a restricted Boltzmann machine over the layer below's outputs, by CD-k: a deep belief net (Hinton et al., 2006).</summary>
    RestrictedBoltzmannMachine,

    /// <summary>As a denoising autoencoder with tied weights and masking noise: a stacked denoising autoencoder (Vincent et al., 2008).</summary>
    DenoisingAutoencoder,
}

/// <summary>One hidden layer's pre-training: its name, and the machine or autoencoder that taught it, with its history.</summary>
/// <param name="Layer">The Dense layer whose <c>weight</c> and <c>bias</c> were set.</param>
/// <param name="History">Each epoch's reconstruction error, as <c>Fit</c> reports it.</param>
/// <param name="Teacher">
/// The trained machine (a <see cref="BoltzmannMachine"/>, to sample from or draw) or denoising autoencoder, whose
/// weight and hidden bias the layer now holds; it keeps its visible bias too.
/// </param>
public sealed record LayerPretraining(string Layer, History History, Model Teacher);

// Greedy layer-wise pre-training, as the course gives it: train one layer at a time, first to last, with an
// unsupervised criterion; fix the parameters of previous layers, viewed as feature extraction. Fit then fine-tunes
// everything with labels.
public abstract partial class Model
{
    /// <summary>
    /// Greedy layer-wise pre-training of the hidden Dense layers, first to last, on unlabelled inputs. Each layer is
    /// trained alone, as a restricted Boltzmann machine or a tied denoising autoencoder over what the layers below it
    /// give (their sigmoid outputs, computed with their weights as pre-trained and then fixed); its learned weight and
    /// hidden bias become the layer's own <c>weight</c> and <c>bias</c>. The output layer is left for <c>Fit</c>, which
    /// then fine-tunes everything with labels.
    /// </summary>
    /// <remarks>
    /// The network must be a stack of sigmoid Dense layers up to its output (Flatten, Dropout and noise layers may sit
    /// between them, as they change nothing in inference): the course's deep belief net. Inputs are normalised by
    /// <see cref="InputNormalization"/> if it is set. A training call, holding the model as <c>Fit</c> does.
    /// </remarks>
    /// <param name="data">The unlabelled samples (labels, if any, are ignored).</param>
    /// <param name="method">RBM (CD-k) or denoising autoencoder.</param>
    /// <param name="createOptimizer">A fresh optimizer per layer, e.g. <c>() =&gt; new Sgd(0.1f)</c> (the classic CD update).</param>
    /// <param name="epochs">Epochs per layer.</param>
    /// <param name="batchSize">Samples per update.</param>
    /// <param name="layers">Pre-train only the first this many hidden layers; all of them when null.</param>
    /// <param name="gibbsSteps">k of CD-k, for <see cref="PretrainingMethod.RestrictedBoltzmannMachine"/>.</param>
    /// <param name="corruption">The masking noise's rate, for <see cref="PretrainingMethod.DenoisingAutoencoder"/>.</param>
    /// <param name="onEpochEnd">Called after each epoch of each layer, with the layer's name.</param>
    /// <param name="cancellationToken">Checked between mini-batches.</param>
    /// <returns>Each pre-trained layer with its history, in order.</returns>
    /// <exception cref="InvalidOperationException">A layer cannot be pre-trained (a convolution, batch norm, a non-sigmoid Dense…); nothing is changed.</exception>
    public IReadOnlyList<LayerPretraining> Pretrain(
        Dataset data,
        PretrainingMethod method,
        Func<Optimizer> createOptimizer,
        int epochs,
        int batchSize = 32,
        int? layers = null,
        int gibbsSteps = 1,
        double corruption = 0.25,
        Action<string, EpochMetrics>? onEpochEnd = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(createOptimizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gibbsSteps);
        if (!(corruption >= 0 && corruption < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(corruption), corruption, "The masking rate must be in [0, 1).");
        }
        if (data.SampleSize != Description.InputSize || data.Count == 0)
        {
            throw new ArgumentException($"{nameof(data)} holds {data.Count} samples of {data.SampleSize} numbers, but {Description.Name} takes {Description.InputSize}.", nameof(data));
        }
        List<ParameterTensor[]> plan = PretrainableLayers(layers);
        RequireFiniteInputs(data, "pre-training", nameof(data));
        if (!BeginTraining(nameof(Pretrain)))
        {
            throw new InvalidOperationException($"{Description.Name}.Pretrain was called while this thread is already training the model.");
        }
        try
        {
            float[] representation = new float[data.Features.Length];
            if (_inputNormalization is { } normalization)
            {
                for (int s = 0; s < data.Count; s++)
                {
                    normalization.Apply(data.Sample(s), representation.AsSpan(s * data.SampleSize, data.SampleSize));
                }
            }
            else
            {
                data.Features.CopyTo(representation, 0);
            }
            int visible = data.SampleSize;
            var results = new List<LayerPretraining>();
            foreach (ParameterTensor[] layer in plan)
            {
                (ParameterTensor weight, ParameterTensor bias) = (layer[0], layer[1]);
                string name = weight.Name[..^".weight".Length];
                int hidden = weight.Shape[0];
                var layerData = Dataset.Unlabelled(representation, [visible]);
                Model teacher = method == PretrainingMethod.RestrictedBoltzmannMachine
                    ? new LayerMachine(name, visible, hidden, (int)NextRandomKey(), gibbsSteps)
                    : new LayerDenoiser(name, visible, hidden, (int)NextRandomKey(), (float)corruption);
                History history = teacher.Fit(
                    layerData, createOptimizer(), epochs, batchSize,
                    onEpochEnd: onEpochEnd is null ? null : metrics => onEpochEnd(name, metrics),
                    cancellationToken: cancellationToken);
                teacher.GetParameters("weight").CopyTo(Parameters.AsSpan(weight.Offset, weight.Length));
                teacher.GetParameters("hidden_bias").CopyTo(Parameters.AsSpan(bias.Offset, bias.Length));
                results.Add(new LayerPretraining(name, history, teacher));

                // The next layer learns from this one's outputs, σ(x · Wᵀ + b), with the weights now fixed.
                var next = new float[data.Count * hidden];
                Dense.Forward<Sigmoid>(representation, Parameters.AsSpan(weight.Offset, weight.Length), Parameters.AsSpan(bias.Offset, bias.Length), next, data.Count, visible, hidden);
                representation = next;
                visible = hidden;
            }
            return results;
        }
        finally
        {
            EndTraining(claimed: true);
        }
    }

    /// <summary>
    /// The hidden Dense layers to pre-train, each as its (weight, bias) tensors, checked before anything is trained:
    /// the layers up to the output must be sigmoid Dense layers with nothing but views, dropout and noise between them.
    /// </summary>
    private List<ParameterTensor[]> PretrainableLayers(int? count)
    {
        IReadOnlyList<LayerSummary> layers = Description.Layers;
        int output = layers.Count - 1;
        var plan = new List<ParameterTensor[]>();
        for (int i = 0; i < output && (count is null || plan.Count < count); i++)
        {
            LayerSummary layer = layers[i];
            // The summary's kind may carry its geometry ("Conv2D 3×3, stride 1"): the kind is its first word.
            string kind = layer.Kind.Split(' ')[0];
            switch (kind)
            {
                case "Flatten" or "Dropout" or "MaskingNoise" or "GaussianNoise":
                    continue;
                case "Dense" when layer.Notes == "sigmoid":
                    ParameterTensor? weight = Description.Tensors.FirstOrDefault(tensor => tensor.Name == layer.Name + ".weight");
                    ParameterTensor? bias = Description.Tensors.FirstOrDefault(tensor => tensor.Name == layer.Name + ".bias");
                    if (weight is not null && bias is not null)
                    {
                        plan.Add([weight, bias]);
                        continue;
                    }
                    break;
            }
            string what = kind == "Dense" ? $"a Dense layer ({layer.Notes})" : $"a {kind} layer";
            throw new InvalidOperationException(
                $"{Description.Name}.Pretrain trains the hidden layers one at a time on the sigmoid outputs of the layers below, but '{layer.Name}' is {what}, " +
                "which it cannot pre-train: pre-training needs sigmoid Dense layers with their own weight and bias (Flatten, Dropout and noise layers may sit between them).");
        }
        if (plan.Count == 0)
        {
            throw new InvalidOperationException($"{Description.Name} has no hidden Dense layer before its output layer: there is nothing to pre-train.");
        }
        return plan;
    }

    /// <summary>The tensors of a layer-sized machine or autoencoder: weight [H, V] from <paramref name="initializer"/>, hidden_bias [H], visible_bias [V].</summary>
    private static ModelDescription LayerDescription(string name, int visible, int hidden, Activation output, Loss loss, Initializer initializer) => new(
        Name: name,
        InputShape: [visible],
        OutputSize: visible,
        Loss: loss,
        OutputActivation: output,
        Tensors:
        [
            new ParameterTensor("weight", 0, [hidden, visible], ParameterRole.Weight, visible, hidden, initializer),
            new ParameterTensor("hidden_bias", hidden * visible, [hidden], ParameterRole.Bias, visible, hidden),
            new ParameterTensor("visible_bias", hidden * visible + hidden, [visible], ParameterRole.Bias, hidden, visible),
        ],
        Layers: [new LayerSummary("hidden", "Dense", [visible], [hidden], hidden * visible + hidden + visible, "sigmoid")],
        Code: new CodeLayer("hidden", [hidden]));

    /// <summary>A binary RBM the size of one hidden layer, for <see cref="Pretrain"/>.</summary>
    private sealed class LayerMachine : BoltzmannMachine
    {
        public LayerMachine(string layer, int visible, int hidden, int seed, int gibbsSteps)
            : base(LayerDescription($"{layer} (RBM)", visible, hidden, Activation.Sigmoid, Loss.MeanSquaredError, Initializer.SmallNormal), seed, VisibleUnits.Binary, gibbsSteps, persistent: false)
        {
        }

        private LayerMachine(LayerMachine owner)
            : base(owner)
        {
        }

        protected override Model CreateReplica() => new LayerMachine(this);
    }

    /// <summary>
    /// A denoising autoencoder the size of one hidden layer, for <see cref="Pretrain"/>: masking noise, h = σ(x̃ · Wᵀ + b),
    /// reconstruction σ(h · W + c) with the weight tied, binary cross-entropy against the clean x (what the generated code
    /// of a tied <c>[Autoencoder]</c> with <c>[MaskingNoise]</c> computes, with runtime sizes).
    /// </summary>
    internal sealed class LayerDenoiser : Model
    {
        private readonly int _visible, _hidden;
        private readonly float _rate;
        private float[] _noisy = [], _hiddenOutput = [], _hiddenDelta = [], _reconstruction = [], _outputDelta = [], _transposed = [];
        private ulong _key;

        public LayerDenoiser(string layer, int visible, int hidden, int seed, float rate)
            : base(LayerDescription($"{layer} (denoising autoencoder)", visible, hidden, Activation.Sigmoid, Loss.CrossEntropy, Initializer.GlorotUniform), seed)
        {
            (_visible, _hidden, _rate) = (visible, hidden, rate);
        }

        private LayerDenoiser(LayerDenoiser owner)
            : base(owner)
        {
            (_visible, _hidden, _rate) = (owner._visible, owner._hidden, owner._rate);
        }

        protected override Model CreateReplica() => new LayerDenoiser(this);

        protected override ReadOnlySpan<float> OutputBuffer => _reconstruction;

        private ReadOnlySpan<float> Weight => Parameters.AsSpan(0, _hidden * _visible);

        private ReadOnlySpan<float> HiddenBias => Parameters.AsSpan(_hidden * _visible, _hidden);

        private ReadOnlySpan<float> VisibleBias => Parameters.AsSpan(_hidden * _visible + _hidden, _visible);

        protected override void AllocateActivations(int batchCapacity)
        {
            _noisy = new float[batchCapacity * _visible];
            _hiddenOutput = new float[batchCapacity * _hidden];
            _hiddenDelta = new float[batchCapacity * _hidden];
            _reconstruction = new float[batchCapacity * _visible];
            _outputDelta = new float[batchCapacity * _visible];
            _transposed = _transposed.Length > 0 ? _transposed : new float[_visible * _hidden];
        }

        protected override void ForwardCore(ReadOnlySpan<float> inputs, int batchSize) => Forward(inputs, batchSize, training: false);

        private void Forward(ReadOnlySpan<float> inputs, int batchSize, bool training)
        {
            _key = training ? NextRandomKey() : 0;
            Noise.MaskingForward(inputs, _noisy, batchSize, _visible, training, _rate, _key);
            Dense.Forward<Sigmoid>(_noisy, Weight, HiddenBias, _hiddenOutput, batchSize, _visible, _hidden);
            Dense.Transpose(Weight, _transposed, _hidden, _visible);
            Dense.Forward<Sigmoid>(_hiddenOutput, _transposed, VisibleBias, _reconstruction, batchSize, _hidden, _visible);
        }

        protected override ReadOnlySpan<float> EncodeCore(ReadOnlySpan<float> input, int batchSize)
        {
            Dense.Forward<Sigmoid>(input, Weight, HiddenBias, _hiddenOutput, batchSize, _visible, _hidden);
            return _hiddenOutput.AsSpan(0, batchSize * _hidden);
        }

        protected override float LossCore(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int batchSize) =>
            Losses.BinaryCrossEntropy(outputs, targets, batchSize * _visible);

        protected override float ForwardBackwardCore(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize)
        {
            Forward(inputs, batchSize, training: true);
            Span<float> gradients = Gradients;
            Span<float> weightGradient = gradients.Slice(0, _hidden * _visible);
            float loss = LossCore(_reconstruction, targets, batchSize);
            // Sigmoid + binary cross-entropy per output: δ = (p − x) / (B·V).
            Losses.ProbabilityMinusTargetDelta(_reconstruction, targets, _outputDelta, batchSize * _visible, 1);
            // The decoder's use of W (as Wᵀ) comes first in backward: it overwrites dW, in W's own layout.
            Dense.TiedWeightGradient(_outputDelta, _hiddenOutput, weightGradient, batchSize, _hidden, _visible, accumulate: false);
            Dense.BiasGradient(_outputDelta, gradients.Slice(_hidden * _visible + _hidden, _visible), batchSize, _visible, accumulate: false);
            Dense.InputDelta<Sigmoid>(_outputDelta, _transposed, _hiddenOutput, _hiddenDelta, batchSize, _hidden, _visible);
            // The encoder's use adds into it.
            Dense.ParameterGradients(_hiddenDelta, _noisy, weightGradient, biasGradient: default, batchSize, _visible, _hidden, accumulate: true);
            Dense.BiasGradient(_hiddenDelta, gradients.Slice(_hidden * _visible, _hidden), batchSize, _hidden, accumulate: false);
            return loss;
        }
    }
}
