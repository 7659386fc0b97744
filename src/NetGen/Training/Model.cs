using NetGen.Data;
using NetGen.Randomness;
using NetGen.Training;

namespace NetGen;

/// <summary>
/// What every generated network shares: the parameter and gradient buffers, batching, and the
/// Keras-like <c>Fit</c> / <see cref="Evaluate(Dataset)"/> / <see cref="Predict(ReadOnlySpan{float})"/> loop.
/// The generator writes the rest — <see cref="ForwardCore"/>, <see cref="ForwardBackwardCore"/> and the
/// activation buffers — for the exact network declared, with every size a constant.
/// </summary>
/// <remarks>
/// <para>
/// Threads: inference — <c>Predict</c>, <see cref="PredictClass"/>, <see cref="Evaluate(Dataset)"/>, <see cref="Forward"/> and
/// <see cref="ComputeLoss"/> — may be called on one model from any number of threads at once (a model registered as a
/// singleton in a web server): each thread computes in activation buffers of its own, an inference replica of the
/// model that shares its <see cref="Parameters"/>, made on the thread's first inference call and reused, without
/// locking or allocating, by every later one. Each call gives exactly the bits it gives on one thread alone. A
/// thread's buffers last as long as the model or the thread, sized for the largest batch it has computed (at most
/// 1024 samples: batches are computed 1024 at a time).
/// Training — <c>Fit</c>, <see cref="ComputeGradients"/>, <see cref="CheckGradients"/>,
/// <see cref="EnsureBatchCapacity"/>, <c>LoadWeights</c> and <see cref="LoadCheckpoint"/> — is single-owner: one
/// such call at a time, and one begun while another runs on a different thread throws
/// <see cref="InvalidOperationException"/>. Inference meanwhile is safe and reads the parameters as they are at that
/// moment, mid-training (possibly part-way through an optimizer step or a load); to serve new weights atomically,
/// load them into a new model and swap the reference.
/// </para>
/// <para>
/// Two levels of API. <c>Fit</c>, <see cref="Evaluate(Dataset)"/>, <c>Predict</c> and <see cref="PredictClass"/>
/// take the user's raw samples and apply <see cref="InputNormalization"/> themselves.
/// <see cref="Forward"/>, <see cref="ComputeLoss"/>, <see cref="ComputeGradients"/> and
/// <see cref="CheckGradients"/> are the network's own mathematics: their inputs go in as given.
/// </para>
/// </remarks>
public abstract partial class Model
{
    /// <summary>
    /// The batch size <see cref="Evaluate(Dataset)"/> and batched prediction work in. Larger batches repay the
    /// forward kernel's packing of each weight matrix over more rows, with little gain past a few hundred
    /// (docs/performance.md, products and tiles); the calling thread's inference buffers then hold 1024 rows
    /// (7 MB for 784-500-500-10).
    /// </summary>
    private const int InferenceBatchSize = 1024;

    private readonly Rng _random;
    private readonly int _seed;
    private float[] _batchInputs = [];
    private float[] _batchTargets = [];
    private float[] _labelTargets = [];
    private int _topK = 5;
    private InputNormalization? _inputNormalization;

    /// <param name="description">The network's shapes and tensors, from the generated code.</param>
    /// <param name="seed">Seeds every random choice: initialisation first, then shuffling and augmentation.</param>
    protected Model(ModelDescription description, int seed)
    {
        ArgumentNullException.ThrowIfNull(description);
        Description = description;
        Parameters = new float[description.ParameterCount];
        Gradients = new float[description.ParameterCount];
        _seed = seed;
        _random = new Rng(unchecked((ulong)seed));
        Initializers.Initialize(description, Parameters, _random);
    }

    /// <summary>
    /// An inference replica of <paramref name="owner"/>, for the generated <c>CreateReplica</c>: the same network,
    /// sharing the owner's <see cref="Parameters"/> (and so its weights, as they change), with activation buffers
    /// of its own and no gradients. Only the owner uses it, to run one thread's inference, which reads neither the
    /// random generator nor the dropout rates (inference never drops).
    /// </summary>
    /// <param name="owner">The model whose parameters the replica computes with; a model of the same class.</param>
    protected Model(Model owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (owner.GetType() != GetType() || owner._isReplica)
        {
            throw new ArgumentException($"A replica of {owner.Description.Name} must be a {owner.GetType().Name} made from the model itself.", nameof(owner));
        }
        Description = owner.Description;
        Parameters = owner.Parameters;
        Gradients = [];
        _random = new Rng(0);
        _isReplica = true;
    }

    /// <summary>The network's shapes and parameter tensors.</summary>
    public ModelDescription Description { get; }

    /// <summary>Every parameter, tensor after tensor (see <see cref="ModelDescription.Tensors"/> for the slices).</summary>
    public float[] Parameters { get; }

    /// <summary>dL/dθ of the last <see cref="ComputeGradients"/>, averaged over its batch; laid out like <see cref="Parameters"/>.</summary>
    public float[] Gradients { get; }

    /// <summary>
    /// Per-feature standardisation applied to every raw input — in <c>Fit</c> (training and
    /// validation), <see cref="Evaluate(Dataset)"/> and <c>Predict</c> — or null for none. Set it yourself
    /// (<c>InputNormalization.Compute(train)</c>) or let <c>Fit(…, normalizeInputs: true)</c> compute it
    /// from the training data. It is part of the model: weights files and checkpoints save it.
    /// </summary>
    /// <exception cref="ArgumentException">Its feature count is not the network's <see cref="ModelDescription.InputSize"/>.</exception>
    public InputNormalization? InputNormalization
    {
        get => _inputNormalization;
        set
        {
            if (value is not null && value.FeatureCount != Description.InputSize)
            {
                throw new ArgumentException(
                    $"{Description.Name} takes {Description.InputSize} inputs per sample, but the normalisation has statistics for {value.FeatureCount}.",
                    nameof(value));
            }
            _inputNormalization = value;
        }
    }

    /// <summary>
    /// The layer table, as Keras's <c>model.summary()</c>: each layer's name, kind, input and output shapes and
    /// parameters, then the totals.
    /// </summary>
    public string Summary() => Description.ToString();

    /// <summary>The network's <see cref="Summary"/>.</summary>
    public override string ToString() => Summary();

    /// <summary>
    /// The largest batch the training buffers (those <c>Fit</c> and <see cref="ComputeGradients"/> use) currently
    /// hold; they grow on demand and never shrink. Each thread's inference buffers grow the same way, on their own.
    /// </summary>
    public int BatchCapacity { get; private set; }

    /// <summary>Runs the forward pass of <paramref name="batchSize"/> samples into the buffer behind <see cref="OutputBuffer"/>.</summary>
    protected abstract void ForwardCore(ReadOnlySpan<float> inputs, int batchSize);

    /// <summary>
    /// Forward, loss, backward: returns the batch's mean loss and adds dL/dθ into <see cref="Gradients"/>, which the
    /// caller has cleared (<see cref="ForwardBackward"/>): every parameter-gradient kernel adds into its slice, so a
    /// tensor used more than once gets the sum of its uses.
    /// </summary>
    protected abstract float ForwardBackwardCore(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize);

    /// <summary>The mean loss of a batch of <paramref name="outputs"/> against <paramref name="targets"/>, both <c>[batchSize, OutputSize]</c>.</summary>
    protected abstract float LossCore(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int batchSize);

    /// <summary>The last layer's outputs, <c>[BatchCapacity, OutputSize]</c>.</summary>
    protected abstract ReadOnlySpan<float> OutputBuffer { get; }

    /// <summary>Allocates the per-layer activation buffers for batches of up to <paramref name="batchCapacity"/> samples.</summary>
    protected abstract void AllocateActivations(int batchCapacity);

    /// <summary>
    /// Makes sure training batches (<see cref="ComputeGradients"/>) of <paramref name="batchSize"/> samples need no
    /// allocation. Inference needs no such call: a thread's inference buffers grow on its first call with a larger batch.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another thread is training the model.</exception>
    public void EnsureBatchCapacity(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        bool claimed = BeginTraining(nameof(EnsureBatchCapacity));
        try
        {
            GrowBuffers(batchSize);
        }
        finally
        {
            EndTraining(claimed);
        }
    }

    /// <summary>Grows this instance's buffers — the owner's for training, a replica's for its thread's inference — to <paramref name="batchSize"/> samples.</summary>
    private protected void GrowBuffers(int batchSize)
    {
        if (batchSize <= BatchCapacity)
        {
            return;
        }
        AllocateActivations(batchSize);
        _batchInputs = new float[batchSize * Description.InputSize];
        // A replica never gathers targets: Evaluate reads them from the data set.
        _batchTargets = _isReplica ? [] : new float[batchSize * Description.OutputSize];
        BatchCapacity = batchSize;
    }

    /// <summary>The named parameter tensor's values, e.g. <c>GetParameters("fc1.weight")</c>.</summary>
    public Span<float> GetParameters(string tensorName)
    {
        ParameterTensor tensor = FindTensor(tensorName);
        return Parameters.AsSpan(tensor.Offset, tensor.Length);
    }

    /// <summary>The named tensor's slice of <see cref="Gradients"/>.</summary>
    public Span<float> GetGradients(string tensorName)
    {
        ParameterTensor tensor = FindTensor(tensorName);
        return Gradients.AsSpan(tensor.Offset, tensor.Length);
    }

    /// <summary>
    /// The outputs <c>[batchSize, OutputSize]</c> for <paramref name="inputs"/> <c>[batchSize, InputSize]</c>,
    /// taken as the network's inputs: <see cref="InputNormalization"/> is not applied (<c>Predict</c> applies it).
    /// Safe from any number of threads at once: the span is the calling thread's own inference buffer, valid until
    /// that thread's next inference call on this model (any thread's calls on other models leave it alone).
    /// </summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> inputs, int batchSize)
    {
        RequireBatch(inputs, batchSize, outputs: false, nameof(inputs));
        return InferenceReplica.RunForward(inputs, batchSize);
    }

    /// <summary>The mean loss of a batch in inference mode, without touching <see cref="Gradients"/>; safe from any number of threads at once, as <see cref="Forward"/> is.</summary>
    public float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize)
    {
        RequireBatch(inputs, batchSize, outputs: false, nameof(inputs));
        RequireBatch(targets, batchSize, outputs: true, nameof(targets));
        Model replica = InferenceReplica;
        return replica.LossCore(replica.RunForward(inputs, batchSize), targets, batchSize);
    }

    /// <summary>
    /// The mean loss of a batch; <see cref="Gradients"/> then hold its gradient (backprop). A training call: one at a
    /// time (see the class's remarks), in the model's own training buffers.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another thread is training the model.</exception>
    public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize)
    {
        RequireBatch(inputs, batchSize, outputs: false, nameof(inputs));
        RequireBatch(targets, batchSize, outputs: true, nameof(targets));
        bool claimed = BeginTraining(nameof(ComputeGradients));
        try
        {
            GrowBuffers(batchSize);
            return ForwardBackward(inputs, targets, batchSize);
        }
        finally
        {
            EndTraining(claimed);
        }
    }

    /// <summary>
    /// One backward step. The generated <see cref="ForwardBackwardCore"/> leaves every slice of <see cref="Gradients"/>
    /// holding this step's gradient: it clears the slices whose kernels add into them, and each tensor's first use
    /// overwrites its own slice where its kernel can, so a tensor used several times still gets the sum of its uses.
    /// </summary>
    private float ForwardBackward(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize)
    {
        return ForwardBackwardCore(inputs, targets, batchSize);
    }

    /// <summary>
    /// One raw sample's outputs (probabilities, after a softmax), as a new array. Safe from any number of threads at
    /// once, each call giving the bits it gives on one thread alone; during <c>Fit</c> it reads the weights as
    /// they are at that moment.
    /// </summary>
    public float[] Predict(ReadOnlySpan<float> sample)
    {
        RequireSample(sample, nameof(sample));
        RequireFiniteSamples(sample, Description.InputSize, single: true, nameof(sample));
        return InferenceReplica.ForwardSamples(sample, 1, _inputNormalization).ToArray();
    }

    /// <summary>
    /// Outputs for any number of raw samples, <c>[n, OutputSize]</c> into <paramref name="outputs"/>. Safe from any
    /// number of threads at once, as <see cref="Predict(ReadOnlySpan{float})"/> is, and allocates nothing after the
    /// calling thread's first call with a batch this large (up to 1024 samples are computed together); large products
    /// are shared with the kernels' worker thread when it is free.
    /// </summary>
    public void Predict(ReadOnlySpan<float> samples, Span<float> outputs)
    {
        int inputSize = Description.InputSize, outputSize = Description.OutputSize;
        if (samples.Length % inputSize != 0)
        {
            throw new ArgumentException(
                $"{nameof(samples)} has {samples.Length} numbers, not a whole number of samples of {Description.Name}'s {InputsPerSample()}.", nameof(samples));
        }
        int count = samples.Length / inputSize;
        if (outputs.Length < count * outputSize)
        {
            throw new ArgumentException(
                $"{nameof(outputs)} holds {Count(outputs.Length, "number")}, but {Count(count, "sample")} of {Description.Name}'s {Count(outputSize, "output")} need {count * outputSize}.",
                nameof(outputs));
        }
        RequireFiniteSamples(samples, inputSize, single: false, nameof(samples));
        Model replica = InferenceReplica;
        InputNormalization? normalization = _inputNormalization;
        for (int start = 0; start < count; start += InferenceBatchSize)
        {
            int batch = Math.Min(InferenceBatchSize, count - start);
            replica.ForwardSamples(samples.Slice(start * inputSize, batch * inputSize), batch, normalization).CopyTo(outputs.Slice(start * outputSize));
        }
    }

    /// <summary>The index of the largest output for one raw sample: the predicted class. Safe from any number of threads at once.</summary>
    public int PredictClass(ReadOnlySpan<float> sample)
    {
        RequireSample(sample, nameof(sample));
        RequireFiniteSamples(sample, Description.InputSize, single: true, nameof(sample));
        ReadOnlySpan<float> outputs = InferenceReplica.ForwardSamples(sample, 1, _inputNormalization);
        return outputs.Length == 1 ? (outputs[0] >= 0.5f ? 1 : 0) : ArgMax(outputs);
    }

    /// <summary>
    /// The loss and the metrics that fit the network (see <see cref="Evaluation"/>) on <paramref name="data"/> (raw
    /// samples, normalised as in training), in inference mode: accuracy, top-k accuracy, per-class precision, recall
    /// and F1 and the confusion matrix for a classifier; mean absolute error, RMSE and R² for a regressor. Safe from
    /// any number of threads at once, as <c>Predict</c> is; besides the result it allocates only its sums (the
    /// confusion matrix, or a few numbers per output).
    /// </summary>
    /// <remarks>
    /// A binary classifier (one sigmoid unit) takes labelled data of classes 0 and 1 — <c>Csv.Load</c>'s default, or
    /// <see cref="Dataset.FromLabels"/> — and measures against the labels themselves. An autoencoder measures its
    /// reconstructions against the samples themselves, whatever targets or labels the data holds: the loss and the
    /// regressor's error measures, no accuracy.
    /// </remarks>
    /// <exception cref="ArgumentException">The data's samples or targets do not fit the network, or it is empty.</exception>
    public Evaluation Evaluate(Dataset data)
    {
        data = ForReconstruction(data)!;
        RequireCompatible(data, nameof(data));
        if (data.Count == 0)
        {
            throw new ArgumentException($"{nameof(data)} holds no samples.", nameof(data));
        }
        RequireValidData(data, role: null, nameof(data));
        Evaluation evaluation = TrainsOnLabels(data)
            ? EvaluateCore(data.Features, data.Count, default, data.Labels)
            : EvaluateCore(data.Features, data.Count, data.Targets, default);
        return WithModelMetrics(evaluation, data.Features, data.Count);
    }

    /// <summary>
    /// <paramref name="evaluation"/> of <paramref name="count"/> raw samples <paramref name="features"/>, with the
    /// measures only a kind of model has added: a Boltzmann machine's pseudo-likelihood. Evaluate and each epoch of
    /// Fit (on the epoch's training samples) call it.
    /// </summary>
    private protected virtual Evaluation WithModelMetrics(Evaluation evaluation, ReadOnlySpan<float> features, int count) => evaluation;

    /// <summary>
    /// The k of the top-k accuracy that <see cref="Evaluate(Dataset)"/> and <c>Fit</c>'s history report for a softmax
    /// classifier of more than k classes (Keras's <c>TopKCategoricalAccuracy</c>, whose k is also 5 unless given).
    /// Read once at the start of each call.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to 0 or less.</exception>
    public int TopK
    {
        get => _topK;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _topK = value;
        }
    }

    /// <summary>
    /// <see cref="Evaluate(Dataset)"/> on <paramref name="count"/> checked raw samples, against flat <paramref name="targets"/>
    /// <c>[count, OutputSize]</c>, or, when those are empty, against class <paramref name="labels"/> turned into targets
    /// a batch at a time in the calling thread's replica.
    /// </summary>
    private Evaluation EvaluateCore(ReadOnlySpan<float> features, int count, ReadOnlySpan<float> targets, ReadOnlySpan<int> labels)
    {
        Model replica = InferenceReplica;
        InputNormalization? normalization = _inputNormalization;
        var metrics = new MetricAccumulator(Description, _topK);
        bool fromLabels = targets.IsEmpty;
        int inputSize = Description.InputSize, outputSize = Description.OutputSize;
        for (int start = 0; start < count; start += InferenceBatchSize)
        {
            int batch = Math.Min(InferenceBatchSize, count - start);
            ReadOnlySpan<float> batchTargets = fromLabels
                ? replica.LabelTargets(labels.Slice(start, batch))
                : targets.Slice(start * outputSize, batch * outputSize);
            ReadOnlySpan<float> outputs = replica.ForwardSamples(features.Slice(start * inputSize, batch * inputSize), batch, normalization);
            metrics.Add(outputs, batchTargets, batch, replica.LossCore(outputs, batchTargets, batch));
        }
        return metrics.ToEvaluation(last: true);
    }

    /// <summary>This instance's targets for a batch of checked class labels: 0 or 1 for one sigmoid unit, one-hot otherwise.</summary>
    private ReadOnlySpan<float> LabelTargets(ReadOnlySpan<int> labels)
    {
        int outputSize = Description.OutputSize;
        int length = labels.Length * outputSize;
        if (_labelTargets.Length < length)
        {
            _labelTargets = new float[length];
        }
        Span<float> targets = _labelTargets.AsSpan(0, length);
        if (outputSize == 1)
        {
            for (int i = 0; i < labels.Length; i++)
            {
                targets[i] = labels[i];
            }
        }
        else
        {
            targets.Clear();
            for (int i = 0; i < labels.Length; i++)
            {
                targets[i * outputSize + labels[i]] = 1f;
            }
        }
        return targets;
    }

    /// <summary>
    /// Whether the network learns <paramref name="data"/>'s labels rather than its targets: a binary classifier (one
    /// sigmoid unit) given labelled data, whose one-hot targets are two wide (or one, when every label was 0).
    /// </summary>
    private bool TrainsOnLabels(Dataset data) => Description.IsBinaryClassifier && data.Labels is not null;

    /// <summary>
    /// The forward pass of <paramref name="batchSize"/> network inputs (checked by the caller) in this instance's
    /// buffers, grown if need be; the outputs are this instance's buffer.
    /// </summary>
    private ReadOnlySpan<float> RunForward(ReadOnlySpan<float> inputs, int batchSize)
    {
        GrowBuffers(batchSize);
        ForwardCore(inputs, batchSize);
        return OutputBuffer[..(batchSize * Description.OutputSize)];
    }

    /// <summary>
    /// <see cref="RunForward"/> for raw samples: with a <paramref name="normalization"/> (the owner's, read once per
    /// call), the samples are normalised into this instance's batch buffer first (no allocation), never in the caller's memory.
    /// </summary>
    private ReadOnlySpan<float> ForwardSamples(ReadOnlySpan<float> samples, int batchSize, InputNormalization? normalization)
    {
        if (normalization is null)
        {
            return RunForward(samples, batchSize);
        }
        GrowBuffers(batchSize);
        Span<float> normalized = _batchInputs.AsSpan(0, samples.Length);
        normalization.Apply(samples, normalized);
        return RunForward(normalized, batchSize);
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }

    internal ParameterTensor FindTensor(string tensorName)
    {
        foreach (ParameterTensor tensor in Description.Tensors)
        {
            if (tensor.Name == tensorName)
            {
                return tensor;
            }
        }
        throw new KeyNotFoundException(
            $"{Description.Name} has no tensor '{tensorName}'; it has {string.Join(", ", Description.Tensors.Select(t => t.Name))}.");
    }

    /// <summary>Checks that one raw sample, the caller's argument <paramref name="name"/>, holds the network's inputs.</summary>
    private protected void RequireSample(ReadOnlySpan<float> sample, string name)
    {
        if (sample.Length != Description.InputSize)
        {
            throw new ArgumentException($"{name} has {sample.Length} numbers, but {Description.Name} takes {InputsPerSample()} per sample.", name);
        }
    }

    /// <summary>
    /// Checks that <paramref name="values"/>, the caller's argument <paramref name="name"/>, holds a batch of
    /// <paramref name="batchSize"/> (the caller's <c>batchSize</c>) samples of the network's inputs, or of its outputs.
    /// </summary>
    private void RequireBatch(ReadOnlySpan<float> values, int batchSize, bool outputs, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        int perSample = outputs ? Description.OutputSize : Description.InputSize;
        if (values.Length != batchSize * perSample)
        {
            throw new ArgumentException(
                $"{name} has {Count(values.Length, "number")}, but a batch of {Count(batchSize, "sample")} of " +
                $"{Description.Name}'s {Count(perSample, outputs ? "output" : "input")} needs {batchSize * perSample}.", name);
        }
    }

    /// <summary>"1 sample", "2 samples": a count and its noun, for messages.</summary>
    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    /// <summary>Checks that <paramref name="data"/> (the caller's argument <paramref name="name"/>) fits the network, with a hint where a likely mistake explains why not.</summary>
    private void RequireCompatible(Dataset data, string name)
    {
        ArgumentNullException.ThrowIfNull(data, name);
        ModelDescription network = Description;
        if (data.SampleSize != network.InputSize)
        {
            throw new ArgumentException(
                $"{network.Name} takes samples of {Dataset.FormatShape(network.InputShape)} ({network.InputSize} numbers), " +
                $"but the data's samples are {Dataset.FormatShape(data.SampleShape)} ({data.SampleSize} numbers).", name);
        }
        if (TrainsOnLabels(data))
        {
            if (data.TargetSize > 2)
            {
                throw new ArgumentException(
                    $"{network.Name} is {network.Kind}: its labels are 0 and 1, but the data's labels are one-hot over {data.TargetSize} classes " +
                    $"(they go up to {data.TargetSize - 1}). For {data.TargetSize} classes, declare the output [Dense({data.TargetSize}, Activation.Softmax)].",
                    name);
            }
            return;
        }
        if (data.TargetSize != network.OutputSize)
        {
            throw new ArgumentException(
                $"{network.Name} has {network.OutputSize} outputs, but the data's targets have {data.TargetSize} numbers each.{TargetHint(data)}", name);
        }
    }

    /// <summary>Why a data set's targets may be the wrong size, when the cause is a likely one (" …"), else "".</summary>
    private string TargetHint(Dataset data)
    {
        ModelDescription network = Description;
        int classes = data.TargetSize, outputs = network.OutputSize;
        if (data.Labels is not null)
        {
            if (!network.IsClassifier)
            {
                return $" The data holds class labels (one-hot over {classes} classes), but {network.Name} is {network.Kind}: " +
                    "give it numeric targets (CsvOptions.TargetKind = CsvTargetKind.Regression, or Dataset.FromTargets).";
            }
            return classes < outputs
                ? $" They are one-hot labels of {classes} classes (Csv.Load counts the classes up to the largest label, here {classes - 1}, " +
                  $"unless told); give the network's: Dataset.FromLabels(…, classCount: {outputs}) or new CsvOptions {{ ClassCount = {outputs} }}."
                : $" They are one-hot labels of {classes} classes (the labels go up to {classes - 1}): the network needs {classes} outputs.";
        }
        if (network.IsBinaryClassifier)
        {
            return $" {network.Name} is {network.Kind}: it takes one target per sample, 0 or 1 (the probability of class 1). " +
                "Load the labels as class labels (Csv.Load's default, or Dataset.FromLabels) or give one target column.";
        }
        if (network.IsClassifier && classes == 1)
        {
            return " If that number is a class index, load it as a label (Csv.Load's default CsvTargetKind.Classification, or " +
                $"Dataset.FromLabels(…, classCount: {outputs})) so that each becomes a one-hot target of {outputs}.";
        }
        return "";
    }
}
