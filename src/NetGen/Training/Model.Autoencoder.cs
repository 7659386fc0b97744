using NetGen.Data;

namespace NetGen;

// An autoencoder ([Autoencoder]) reproduces its input: Fit and Evaluate take each sample as its own target, and the
// generated Encode and Decode run the forward pass cut at the code layer. The generated overloads are one line each,
// into the helpers here, which check the arguments, pick the calling thread's inference replica and batch the work as
// Predict does.
public abstract partial class Model
{
    /// <summary>
    /// An autoencoder's forward pass from the network's inputs <c>[batchSize, InputSize]</c> (already normalised) to
    /// its codes <c>[batchSize, CodeSize]</c>, in inference mode, in this instance's buffers (grown by the caller).
    /// The generator writes it for an autoencoder; any other network has no code.
    /// </summary>
    /// <returns>The codes: this instance's buffer, valid until its next forward pass.</returns>
    protected virtual ReadOnlySpan<float> EncodeCore(ReadOnlySpan<float> input, int batchSize) =>
        throw new NotSupportedException($"{Description.Name} is not an autoencoder: it has no code layer.");

    /// <summary>
    /// An autoencoder's layers after the code layer, from codes <c>[batchSize, CodeSize]</c> to outputs
    /// <c>[batchSize, OutputSize]</c>, in inference mode, in this instance's buffers (grown by the caller).
    /// </summary>
    /// <returns>The reconstructions: this instance's buffer, valid until its next forward pass.</returns>
    protected virtual ReadOnlySpan<float> DecodeCore(ReadOnlySpan<float> code, int batchSize) =>
        throw new NotSupportedException($"{Description.Name} is not an autoencoder: it has no code layer.");

    /// <summary>
    /// The generated <c>Encode(sample)</c>: one raw sample's code as a new array, with <see cref="InputNormalization"/>
    /// applied and in inference mode. Safe from any number of threads at once, as <c>Predict</c> is.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="sample"/> is not one sample, or holds NaN or ±∞.</exception>
    protected float[] EncodeSample(ReadOnlySpan<float> sample)
    {
        int codeSize = RequireAutoencoder().Size;
        RequireSample(sample, nameof(sample));
        RequireFiniteSamples(sample, Description.InputSize, single: true, nameof(sample));
        return InferenceReplica.EncodeSamplesCore(sample, 1, _inputNormalization)[..codeSize].ToArray();
    }

    /// <summary>
    /// The generated <c>Encode(samples, codes)</c>: the codes <c>[n, CodeSize]</c> of <paramref name="samples"/>
    /// <c>[n, InputSize]</c> (raw) into <paramref name="codes"/>, computed up to 1024 samples at a time in the
    /// calling thread's replica; allocates nothing after that thread's first call with a batch this large.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="samples"/> is not a whole number of samples, or holds NaN or ±∞; <paramref name="codes"/> is too short.
    /// </exception>
    protected void EncodeSamples(ReadOnlySpan<float> samples, Span<float> codes)
    {
        int codeSize = RequireAutoencoder().Size, inputSize = Description.InputSize;
        int count = WholeSamples(samples, inputSize, codes: false, nameof(samples));
        RequireRoom(codes, count, codeSize, codes: true, nameof(codes));
        RequireFiniteSamples(samples, inputSize, single: false, nameof(samples));
        Model replica = InferenceReplica;
        InputNormalization? normalization = _inputNormalization;
        for (int start = 0; start < count; start += InferenceBatchSize)
        {
            int batch = Math.Min(InferenceBatchSize, count - start);
            replica.EncodeSamplesCore(samples.Slice(start * inputSize, batch * inputSize), batch, normalization).CopyTo(codes.Slice(start * codeSize));
        }
    }

    /// <summary>
    /// The generated <c>Decode(code)</c>: one code's reconstruction (the layers after the code layer) as a new array.
    /// Safe from any number of threads at once.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="code"/> is not one code, or holds NaN or ±∞.</exception>
    protected float[] DecodeCode(ReadOnlySpan<float> code)
    {
        CodeLayer layer = RequireAutoencoder();
        if (code.Length != layer.Size)
        {
            throw new ArgumentException(
                $"{nameof(code)} has {Count(code.Length, "number")}, but {Description.Name}'s code (the output of '{layer.Name}') has {layer.Size}.", nameof(code));
        }
        RequireFiniteSamples(code, layer.Size, single: true, nameof(code));
        return InferenceReplica.DecodeCodesCore(code, 1).ToArray();
    }

    /// <summary>
    /// The generated <c>Decode(codes, outputs)</c>: the reconstructions <c>[n, OutputSize]</c> of <paramref name="codes"/>
    /// <c>[n, CodeSize]</c> into <paramref name="outputs"/>, up to 1024 at a time in the calling thread's replica;
    /// allocates nothing after that thread's first call with a batch this large.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="codes"/> is not a whole number of codes, or holds NaN or ±∞; <paramref name="outputs"/> is too short.
    /// </exception>
    protected void DecodeCodes(ReadOnlySpan<float> codes, Span<float> outputs)
    {
        CodeLayer layer = RequireAutoencoder();
        int codeSize = layer.Size, outputSize = Description.OutputSize;
        int count = WholeSamples(codes, codeSize, codes: true, nameof(codes));
        RequireRoom(outputs, count, outputSize, codes: false, nameof(outputs));
        RequireFiniteSamples(codes, codeSize, single: false, nameof(codes));
        Model replica = InferenceReplica;
        for (int start = 0; start < count; start += InferenceBatchSize)
        {
            int batch = Math.Min(InferenceBatchSize, count - start);
            replica.DecodeCodesCore(codes.Slice(start * codeSize, batch * codeSize), batch).CopyTo(outputs.Slice(start * outputSize));
        }
    }

    /// <summary><see cref="EncodeCore"/> of raw samples in this instance (a replica): normalised into its batch buffer first, as <see cref="ForwardSamples"/> does.</summary>
    private ReadOnlySpan<float> EncodeSamplesCore(ReadOnlySpan<float> samples, int batchSize, InputNormalization? normalization)
    {
        GrowBuffers(batchSize);
        if (normalization is null)
        {
            return EncodeCore(samples, batchSize);
        }
        Span<float> normalized = _batchInputs.AsSpan(0, samples.Length);
        normalization.Apply(samples, normalized);
        return EncodeCore(normalized, batchSize);
    }

    /// <summary><see cref="DecodeCore"/> in this instance (a replica), its buffers grown first.</summary>
    private ReadOnlySpan<float> DecodeCodesCore(ReadOnlySpan<float> codes, int batchSize)
    {
        GrowBuffers(batchSize);
        return DecodeCore(codes, batchSize);
    }

    /// <summary>The code layer; throws where the network is not an autoencoder (a hand-written subclass calling the helpers).</summary>
    private CodeLayer RequireAutoencoder() =>
        Description.Code ?? throw new NotSupportedException($"{Description.Name} is not an autoencoder: it has no code layer.");

    /// <summary>
    /// The number of samples, or codes, of <paramref name="size"/> in <paramref name="values"/>, the caller's argument
    /// <paramref name="name"/>; throws where it is not whole (the message made only then).
    /// </summary>
    private int WholeSamples(ReadOnlySpan<float> values, int size, bool codes, string name)
    {
        if (values.Length % size != 0)
        {
            string what = codes
                ? $"{Description.Name}'s code of {size} (the output of '{Description.Code!.Name}')"
                : $"{Description.Name}'s {InputsPerSample()}";
            throw new ArgumentException($"{name} has {Count(values.Length, "number")}, not a whole number of {what}.", name);
        }
        return values.Length / size;
    }

    /// <summary>
    /// Throws where <paramref name="destination"/>, the caller's argument <paramref name="name"/>, cannot hold
    /// <paramref name="count"/> codes, or outputs, of <paramref name="size"/>. The message is made only on failure: the
    /// check runs on every call, which allocates nothing.
    /// </summary>
    private void RequireRoom(Span<float> destination, int count, int size, bool codes, string name)
    {
        if (destination.Length < count * size)
        {
            string what = codes ? $"code (the output of '{Description.Code!.Name}')" : "output";
            throw new ArgumentException(
                $"{name} holds {Count(destination.Length, "number")}, but {Count(count, "sample")} need {count} × {size} = {count * size} " +
                $"({Description.Name}'s {what} has {Count(size, "number")}).",
                name);
        }
    }

    /// <summary>
    /// The data an autoencoder trains or is evaluated on: <paramref name="data"/>'s samples as their own targets, shared
    /// (its labels, if any, are ignored). Any other network's data, and null, go through as they are.
    /// </summary>
    private Dataset? ForReconstruction(Dataset? data) => Description.IsAutoencoder && data is not null ? data.WithSamplesAsTargets() : data;
}
